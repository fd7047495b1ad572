#include "chiso/detail/write_file.hpp"

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <system_error>

#if defined(__unix__) || defined(__APPLE__)
#include <unistd.h>
#endif

#include "chiso/error.hpp"

namespace chiso::detail {

namespace {

// A name no other writer in this process or another one uses at the same time.
std::filesystem::path temporary_beside(const std::filesystem::path& target) {
  static std::atomic<unsigned long> counter{0};
  const auto stamp = std::filesystem::file_time_type::clock::now().time_since_epoch().count();
  return target.parent_path() / ("." + target.filename().string() + "-" + std::to_string(stamp) + "-" +
                                 std::to_string(counter++) + ".tmp");
}

// The text in `temporary`, on disk (flushed and synced) before the name points at it.
bool write_and_sync(const std::filesystem::path& temporary, const std::string& text) {
  std::FILE* file = std::fopen(temporary.string().c_str(), "wb");
  if (!file) return false;
  bool whole = std::fwrite(text.data(), 1, text.size(), file) == text.size() && std::fflush(file) == 0;
#if defined(__unix__) || defined(__APPLE__)
  whole = whole && fsync(fileno(file)) == 0;
#endif
  return std::fclose(file) == 0 && whole;
}

}  // namespace

void write_text_file(const std::string& path, const std::string& text) {
  const std::filesystem::path target(path);
  const std::filesystem::path temporary = temporary_beside(target);
  std::error_code error;
  const auto give_up = [&](const std::string& why) {
    std::error_code ignored;
    std::filesystem::remove(temporary, ignored);
    throw data_error("io.write", "", "", why, path);
  };
  if (!write_and_sync(temporary, text)) give_up("cannot write the file whole (the previous one is kept)");
  // The replacement keeps the permissions of the file it replaces (records may be kept private).
  const auto previous = std::filesystem::status(target, error);
  if (!error && std::filesystem::is_regular_file(previous))
    std::filesystem::permissions(temporary, previous.permissions(), error);
  std::filesystem::rename(temporary, target, error);
  if (error) give_up("cannot replace the file: " + error.message());
}

}  // namespace chiso::detail
