#include "json_text.hpp"

#include <stdexcept>
#include <utility>
#include <vector>

#include "chiso/detail/utf8.hpp"

namespace chiso::detail {

namespace {

using json = nlohmann::json;

std::string pointer_token(const std::string& key) {  // RFC 6901 escaping
  std::string out;
  for (char c : key) out += c == '~' ? std::string("~0") : c == '/' ? std::string("~1") : std::string(1, c);
  return out;
}

// Builds the document as nlohmann's own DOM parser does, keeping the path of the value being
// read so that a problem can name it.
class strict_builder : public nlohmann::json_sax<json> {
 public:
  strict_builder(std::string_view text, const std::function<void(const json_problem&)>& fail)
      : text_(text), fail_(fail) {}

  json& document() { return root_; }

  bool null() override { return add(json(nullptr)); }
  bool boolean(bool v) override { return add(json(v)); }
  bool number_integer(number_integer_t v) override { return add(json(v)); }
  bool number_unsigned(number_unsigned_t v) override { return add(json(v)); }
  bool number_float(number_float_t v, const string_t&) override { return add(json(v)); }
  bool string(string_t& v) override { return add(json(std::move(v))); }
  bool binary(binary_t& v) override { return add(json::binary(std::move(v))); }

  bool start_object(std::size_t) override {
    json* created = add_container(json::object());
    frames_.push_back({created, {}, false});
    return true;
  }
  bool key(string_t& k) override {
    frame& top = frames_.back();
    top.key = k;
    top.has_key = true;
    if (top.container->contains(k))
      report(json_problem::kind::duplicate_key, path(),
             "the key \"" + k + "\" appears twice in one object (JSON readers disagree on which to keep)", 0);
    pending_ = &(*top.container)[k];
    return true;
  }
  bool end_object() override {
    frames_.pop_back();
    return true;
  }
  bool start_array(std::size_t) override {
    json* created = add_container(json::array());
    frames_.push_back({created, {}, false});
    return true;
  }
  bool end_array() override {
    frames_.pop_back();
    return true;
  }

  bool parse_error(std::size_t position, const std::string& last_token, const nlohmann::detail::exception& e) override {
    // Where the lexer stops, the path may still be that of the previous value (in a key, or after
    // a value): a syntax or encoding problem is placed by line and byte, a number by its path.
    const std::size_t bad_byte = first_invalid_utf8(text_);
    if (bad_byte != std::string_view::npos && bad_byte <= position)
      report(json_problem::kind::encoding, "/",
             "the text is not UTF-8 at " + describe_invalid_utf8(text_, bad_byte) + " (re-save the file as UTF-8)",
             bad_byte);
    if (e.id == 406)  // out_of_range: a number beyond ±1.8e308
      report(json_problem::kind::number_range, path(),
             "the number " + last_token + " is too large for a double (the limit is about ±1.8e308)", position);
    report(json_problem::kind::syntax, "/", std::string("not valid JSON: ") + e.what(), position);
    return false;
  }

 private:
  struct frame {
    json* container;
    std::string key;  // objects: the key of the value being read
    bool has_key;
  };

  // Path of the value being read: the keys and indexes of the open containers.
  std::string path() const {
    std::string out;
    for (std::size_t i = 0; i < frames_.size(); ++i) {
      const frame& f = frames_[i];
      // An open array holds the child being read as its last element, except at the top.
      const bool child_open = i + 1 < frames_.size();
      if (f.container->is_array()) out += "/" + std::to_string(f.container->size() - (child_open ? 1 : 0));
      else if (f.has_key) out += "/" + pointer_token(f.key);
    }
    return out.empty() ? "/" : out;
  }

  json* place(json&& value) {
    if (frames_.empty()) {
      root_ = std::move(value);
      return &root_;
    }
    json& container = *frames_.back().container;
    if (container.is_array()) {
      container.push_back(std::move(value));
      return &container.back();
    }
    *pending_ = std::move(value);
    return pending_;
  }
  bool add(json&& value) {
    place(std::move(value));
    return true;
  }
  json* add_container(json&& empty) { return place(std::move(empty)); }

  void report(json_problem::kind what, std::string where, std::string message, std::size_t byte) {
    fail_({what, std::move(where), std::move(message), byte});
    throw std::logic_error("chiso: a JSON problem was reported but not thrown");
  }

  std::string_view text_;
  const std::function<void(const json_problem&)>& fail_;
  json root_;
  std::vector<frame> frames_;
  json* pending_ = nullptr;
};

}  // namespace

nlohmann::json parse_json_strict(std::string_view text, const std::function<void(const json_problem&)>& fail) {
  strict_builder builder(text, fail);
  json::sax_parse(text.begin(), text.end(), &builder);
  return std::move(builder.document());
}

std::optional<json_position> find_excess_nesting(std::string_view text, std::size_t max_depth) {
  std::size_t depth = 0;
  json_position at;
  bool in_string = false, escaped = false;
  for (at.byte = 0; at.byte < text.size(); ++at.byte) {
    const char c = text[at.byte];
    ++at.column;
    if (c == '\n') {
      ++at.line;
      at.column = 0;
    }
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > max_depth) return at;
    } else if ((c == '}' || c == ']') && depth > 0) {
      --depth;
    }
  }
  return std::nullopt;
}

}  // namespace chiso::detail
