// `[report]`: the printed form 6a's header and footer, and how periods are cut.
#include <fstream>
#include <iterator>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config/config.h"
#include "config/config_errors.h"
#include "support/temp_dir.h"

namespace dunghan::config {
namespace {

using ::testing::HasSubstr;
using testing::TempDir;

TEST(ReportSection, ReadsTheHeadingAndThePeriodConvention) {
  TempDir dir;
  const Config c = load_config(dir.write("d.toml",
                                         "[report]\n"
                                         "reporting_unit = \"UBND huyện Đông Anh\"\n"
                                         "receiving_unit = \"Văn phòng UBND thành phố Hà Nội\"\n"
                                         "place = \"Đông Anh\"\n"
                                         "signer_title = \"CHỦ TỊCH\"\n"
                                         "preparer = \"Nguyễn Thị Lan\"\n"
                                         "period = \"decree09\"\n"));
  EXPECT_EQ(c.report.heading.reporting_unit, "UBND huyện Đông Anh");
  EXPECT_EQ(c.report.heading.receiving_unit, "Văn phòng UBND thành phố Hà Nội");
  EXPECT_EQ(c.report.heading.place, "Đông Anh");
  EXPECT_EQ(c.report.heading.signer_title, "CHỦ TỊCH");
  EXPECT_EQ(c.report.heading.preparer, "Nguyễn Thị Lan");
  EXPECT_EQ(c.report.period, report::PeriodConvention::decree09);
  EXPECT_THAT(summary(c, nullptr), HasSubstr("Form 6a: periods cut 15th-14th (Decree 09/2019)"));
  EXPECT_THAT(summary(c, nullptr), HasSubstr("reporting unit UBND huyện Đông Anh"));
}

TEST(ReportSection, DefaultsAreBlankAndCalendarPeriods) {
  TempDir dir;
  const Config c = load_config(dir.write("d.toml", "[report]\n"));
  EXPECT_EQ(c.report.heading, report::FormHeading{});
  EXPECT_EQ(c.report.period, report::PeriodConvention::calendar);
  EXPECT_EQ(default_config().report.period, report::PeriodConvention::calendar);
}

TEST(ReportSection, TextsAreComposedToNfc) {
  TempDir dir;
  const Config c = load_config(
      dir.write("d.toml", "[report]\npreparer = \"Nguye\xCC\x82\xCC\x83n Thi\xCC\xA3 Lan\"\n"));
  EXPECT_EQ(c.report.heading.preparer, "Nguyễn Thị Lan");
}

TEST(ReportSection, ErrorsNameFileLineAndKey) {
  TempDir dir;
  const auto file = dir.write("d.toml",
                              "[report]\n"
                              "reporting_unit = \"UBND\"\n"
                              "period = \"decree9\"\n"
                              "signer = \"CHỦ TỊCH\"\n"
                              "place = \"\"\"Hà\nNội\"\"\"\n"
                              "preparer = 7\n");
  const auto errs = errors_of(file);
  ASSERT_EQ(errs.size(), 4u);
  EXPECT_EQ(errs[0].line, 3);
  EXPECT_EQ(errs[0].key, "report.period");
  EXPECT_THAT(errs[0].message, HasSubstr("decree09"));
  EXPECT_EQ(errs[1].line, 4);
  EXPECT_EQ(errs[1].key, "report.signer");
  EXPECT_THAT(errs[1].message, HasSubstr("did you mean `signer_title`?"));
  EXPECT_EQ(errs[2].line, 5);
  EXPECT_EQ(errs[2].key, "report.place");
  EXPECT_THAT(errs[2].message, HasSubstr("one line"));
  EXPECT_EQ(errs[3].line, 7);
  EXPECT_EQ(errs[3].key, "report.preparer");
  EXPECT_THAT(to_string(errs[0]), HasSubstr(file.string() + ":3:"));
}

TEST(ReportSection, TheShippedSampleDocumentsEveryKey) {
  // Every key of [report] appears in the annotated sample (commented out or set).
  std::ifstream in(std::filesystem::path(DUNGHAN_SOURCE_DIR) / "config/dunghan.toml");
  const std::string sample((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_THAT(sample, HasSubstr("[report]"));
  for (const char* key : {"reporting_unit =", "receiving_unit =", "place =", "signer_title =",
                          "preparer =", "period = \"calendar\"", "decree09"}) {
    EXPECT_THAT(sample, HasSubstr(key)) << key;
  }
}

}  // namespace
}  // namespace dunghan::config
