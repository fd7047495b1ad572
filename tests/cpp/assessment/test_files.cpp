// The files chiso writes (assessment JSON, records and units CSV, model JSON) are replaced whole
// or left as they were (detail/write_file.hpp).
#include <doctest/doctest.h>

#include <chiso/detail/write_file.hpp>
#include <chiso/error.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace fs = std::filesystem;

namespace {

std::string read(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::size_t entries(const fs::path& folder) {
  std::size_t n = 0;
  for ([[maybe_unused]] const auto& entry : fs::directory_iterator(folder)) ++n;
  return n;
}

struct scratch_folder {
  fs::path path = fs::temp_directory_path() / ("chiso-write-file-" + std::to_string(std::rand()));
  scratch_folder() { fs::create_directories(path); }
  ~scratch_folder() {
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
};

}  // namespace

TEST_CASE("a file is replaced whole, and nothing else is left in its folder") {
  scratch_folder folder;
  const fs::path target = folder.path / "records.csv";
  std::ofstream(target) << "the previous records, longer than the new ones\n";
  std::ifstream reader(target, std::ios::binary);  // opened before: it keeps the previous file
  chiso::detail::write_text_file(target.string(), "unit,criterion\nu1,A1.1\n");
  CHECK(read(target) == "unit,criterion\nu1,A1.1\n");
  CHECK(entries(folder.path) == 1);
  // A new file renamed over the old one, not the old one truncated and rewritten in place: a
  // reader (or a crash) in the middle sees one whole version or the other.
  std::ostringstream seen;
  seen << reader.rdbuf();
  CHECK(seen.str() == "the previous records, longer than the new ones\n");
}

TEST_CASE("the replacement keeps the permissions of the file it replaces") {
  scratch_folder folder;
  const fs::path target = folder.path / "records.csv";
  std::ofstream(target) << "private\n";
  fs::permissions(target, fs::perms::owner_read | fs::perms::owner_write);
  chiso::detail::write_text_file(target.string(), "still private\n");
  CHECK(fs::status(target).permissions() == (fs::perms::owner_read | fs::perms::owner_write));
}

TEST_CASE("a file that cannot be written is an io.write error, and the previous one stays") {
  scratch_folder folder;
  const fs::path taken = folder.path / "a-folder.json";  // the target is a folder: the rename fails
  fs::create_directories(taken / "inside");
  try {
    chiso::detail::write_text_file(taken.string(), "{}");
    FAIL("expected an io.write error");
  } catch (const chiso::data_error& e) {
    CHECK(std::string(e.id()) == "io.write");
    CHECK(std::string(e.what()).find("a-folder.json") != std::string::npos);
  }
  CHECK(fs::is_directory(taken / "inside"));
  CHECK(entries(folder.path) == 1);  // no temporary file left beside it
  CHECK_THROWS_AS(chiso::detail::write_text_file((folder.path / "missing" / "a.json").string(), "{}"),
                  chiso::data_error);
  CHECK(entries(folder.path) == 1);
}
