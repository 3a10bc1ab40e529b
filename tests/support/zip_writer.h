#pragma once
// Writes a zip archive from (entry name, content) pairs with minizip (libminizip-dev): how tests
// make workbooks by hand, part by part, e.g. one shaped as LibreOffice or another exporter writes
// it. Link the test with minizip.

#include <minizip/zip.h>

#include <filesystem>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace dunghan::testing {

using ZipEntries = std::vector<std::pair<std::string, std::string>>;

/// Writes `entries` (deflated, in order) to `path`. Throws std::runtime_error on failure.
inline void write_zip(const std::filesystem::path& path, const ZipEntries& entries) {
  zipFile z = zipOpen64(path.string().c_str(), APPEND_STATUS_CREATE);
  if (z == nullptr) throw std::runtime_error("zipOpen64 " + path.string());
  for (const auto& [name, content] : entries) {
    zip_fileinfo info{};
    if (zipOpenNewFileInZip64(z, name.c_str(), &info, nullptr, 0, nullptr, 0, nullptr, Z_DEFLATED,
                              Z_DEFAULT_COMPRESSION, 0) != ZIP_OK ||
        zipWriteInFileInZip(z, content.data(), static_cast<unsigned>(content.size())) != ZIP_OK ||
        zipCloseFileInZip(z) != ZIP_OK) {
      zipClose(z, nullptr);
      throw std::runtime_error("zip entry " + name);
    }
  }
  if (zipClose(z, nullptr) != ZIP_OK) throw std::runtime_error("zipClose " + path.string());
}

/// The parts every workbook needs around one sheet, shaped as LibreOffice Calc 7 writes them:
/// [Content_Types].xml, _rels/.rels, xl/workbook.xml (with `workbook_pr` inside <workbookPr>,
/// e.g. `date1904="true"`), its relationships (absolute targets, as some exporters write),
/// xl/styles.xml with the given <numFmts> and <cellXfs> bodies, and the sheet and shared strings
/// given. Element names carry the `x:` prefix when `prefixed` (Open XML SDK's style).
inline ZipEntries workbook_parts(const std::string& sheet_xml, const std::string& shared_xml,
                                 const std::string& num_fmts, const std::string& cell_xfs,
                                 const std::string& workbook_pr = "") {
  const std::string ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
  const std::string rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
  ZipEntries e;
  e.emplace_back("[Content_Types].xml",
                 "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Types "
                 "xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
                 "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
                 "<Default Extension=\"rels\" "
                 "ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
                 "</Types>");
  e.emplace_back("_rels/.rels",
                 "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Relationships "
                 "xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
                 "<Relationship Id=\"rId1\" Type=\"" +
                     rel + "/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>");
  e.emplace_back("xl/workbook.xml",
                 "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<workbook "
                 "xmlns=\"" +
                     ns + "\" xmlns:r=\"" + rel + "\"><workbookPr " + workbook_pr +
                     "/><sheets><sheet name=\"Danh sách\" sheetId=\"1\" state=\"visible\" "
                     "r:id=\"rId2\"/><sheet name=\"Ghi chú\" sheetId=\"2\" r:id=\"rId3\"/>"
                     "</sheets></workbook>");
  e.emplace_back("xl/_rels/workbook.xml.rels",
                 "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Relationships "
                 "xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
                 "<Relationship Id=\"rId1\" Type=\"" +
                     rel + "/styles\" Target=\"styles.xml\"/><Relationship Id=\"rId2\" Type=\"" +
                     rel +
                     "/worksheet\" Target=\"/xl/worksheets/sheet1.xml\"/><Relationship "
                     "Id=\"rId3\" Type=\"" +
                     rel + "/worksheet\" Target=\"worksheets/../worksheets/sheet2.xml\"/>" +
                     (shared_xml.empty() ? std::string()
                                         : "<Relationship Id=\"rId4\" Type=\"" + rel +
                                               "/sharedStrings\" Target=\"sharedStrings.xml\"/>") +
                     "</Relationships>");
  e.emplace_back("xl/styles.xml",
                 "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<styleSheet "
                 "xmlns=\"" +
                     ns + "\"><numFmts>" + num_fmts +
                     "</numFmts><cellStyleXfs count=\"1\"><xf numFmtId=\"22\"/></cellStyleXfs>"
                     "<cellXfs>" +
                     cell_xfs + "</cellXfs></styleSheet>");
  e.emplace_back("xl/worksheets/sheet1.xml", sheet_xml);
  e.emplace_back("xl/worksheets/sheet2.xml",
                 "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<worksheet xmlns=\"" + ns +
                     "\"><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>khác</t></is>"
                     "</c></row></sheetData></worksheet>");
  if (!shared_xml.empty()) e.emplace_back("xl/sharedStrings.xml", shared_xml);
  return e;
}

}  // namespace dunghan::testing
