#include "store/sorted_spool.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include <optional>
#include <string>

#include "store/store.h"

namespace dunghan::store {

struct SortedSpool::Impl {
  SQLite::Database db;
  std::optional<SQLite::Statement> insert;
  bool drained = false;

  explicit Impl(std::size_t memory_budget)
      // "" is a private temporary on-disk database, deleted when it is closed.
      : db("", SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE) {
    const std::size_t kib = memory_budget / 1024 < 64 ? 64 : memory_budget / 1024;
    // A negative cache_size is KiB; the external sorter uses the same limit before it spills.
    db.exec("PRAGMA cache_size = -" + std::to_string(kib));
    db.exec("PRAGMA temp_store = FILE");
    db.exec("PRAGMA journal_mode = OFF");
    db.exec("PRAGMA synchronous = OFF");
    db.exec(
        "CREATE TABLE spool (k1 INTEGER NOT NULL, k2 INTEGER NOT NULL, k3 BLOB NOT NULL,"
        " payload BLOB NOT NULL)");
    db.exec("BEGIN");
    insert.emplace(db, "INSERT INTO spool (k1, k2, k3, payload) VALUES (?, ?, ?, ?)");
  }
};

namespace {

[[noreturn]] void fail(const char* what, const std::exception& e) {
  throw StoreError(std::string("sort spool (temporary SQLite database): ") + what + ": " +
                   e.what());
}

}  // namespace

SortedSpool::SortedSpool(std::size_t memory_budget) {
  try {
    impl_ = std::make_unique<Impl>(memory_budget);
  } catch (const SQLite::Exception& e) {
    fail("cannot create", e);
  }
}

SortedSpool::~SortedSpool() = default;

void SortedSpool::add(std::int64_t k1, std::int64_t k2, std::string_view k3,
                      std::string_view payload) {
  if (impl_->drained) throw StoreError("sort spool: add() after drain()");
  try {
    SQLite::Statement& st = *impl_->insert;
    st.bind(1, static_cast<int64_t>(k1));
    st.bind(2, static_cast<int64_t>(k2));
    // Blobs: compared with memcmp, and NUL bytes are kept. SQLiteCpp copies the bytes
    // (SQLITE_TRANSIENT), so the views may die after this call.
    st.bind(3, k3.data(), static_cast<int>(k3.size()));
    st.bind(4, payload.data(), static_cast<int>(payload.size()));
    st.exec();
    st.reset();
  } catch (const SQLite::Exception& e) {
    fail("cannot write", e);
  }
  ++size_;
}

void SortedSpool::drain(
    const std::function<void(std::string_view k3, std::string_view payload)>& visit) {
  if (impl_->drained) throw StoreError("sort spool: drain() called twice");
  impl_->drained = true;
  std::optional<SQLite::Statement> st;
  try {
    impl_->insert.reset();
    impl_->db.exec("COMMIT");
    st.emplace(impl_->db, "SELECT k3, payload FROM spool ORDER BY k1, k2, k3, rowid");
  } catch (const SQLite::Exception& e) {
    fail("cannot sort", e);
  }
  const auto view = [](const SQLite::Column& c) {
    const void* p = c.getBlob();
    return std::string_view(static_cast<const char*>(p), static_cast<std::size_t>(c.getBytes()));
  };
  for (;;) {
    try {
      if (!st->executeStep()) break;
    } catch (const SQLite::Exception& e) {
      fail("cannot read", e);
    }
    visit(view(st->getColumn(0)), view(st->getColumn(1)));
  }
}

}  // namespace dunghan::store
