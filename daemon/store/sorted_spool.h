#pragma once
// SortedSpool: sort any number of records in bounded memory (issue "Dossiers", Speed: memory that
// does not grow with the number of rows read). `dunghan status` lists every open dossier most
// urgent first; a province has 10^5 of them, and the urgency key (the computed due instant) is not
// a column of any store, so the rows cannot come out of the store already sorted.
//
// Records go into a private temporary SQLite database (deleted when the spool is destroyed) and
// come back out through SQLite's external merge sorter, which keeps at most `memory_budget` bytes
// of pages in memory and spills the rest to temporary files in the directory SQLite picks
// (SQLITE_TMPDIR, TMPDIR, /var/tmp, /usr/tmp, /tmp, in that order).
//
// Order: ascending by (k1, k2, k3); k3 is compared byte by byte (memcmp, as std::string's <).
// Records with equal keys come out in insertion order.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>

namespace dunghan::store {

class SortedSpool {
 public:
  /// Opens the temporary database. Throws StoreError when SQLite cannot create it.
  explicit SortedSpool(std::size_t memory_budget = std::size_t{4} << 20);
  ~SortedSpool();
  SortedSpool(const SortedSpool&) = delete;
  SortedSpool& operator=(const SortedSpool&) = delete;

  /// Adds one record; `payload` is opaque bytes (may hold NULs). Throws StoreError on a write
  /// failure (for example a full temporary directory). Not after drain().
  void add(std::int64_t k1, std::int64_t k2, std::string_view k3, std::string_view payload);

  /// Records added so far.
  std::size_t size() const noexcept { return size_; }

  /// Calls `visit(k3, payload)` once per record in ascending key order; the views are valid only
  /// during the call. Once per spool. Throws StoreError on a read failure, or what `visit` throws.
  void drain(const std::function<void(std::string_view k3, std::string_view payload)>& visit);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::size_t size_ = 0;
};

}  // namespace dunghan::store
