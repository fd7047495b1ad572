#include "chiso/formula.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <optional>

#include "chiso/error.hpp"
#include "chiso/rounding.hpp"
#include "chiso/detail/decimal.hpp"
#include "formula_program.hpp"

namespace chiso {

namespace {

using op = detail::formula_op;

// The parsed expression.
struct expr {
  enum class kind { number, input, negate, logical_not, binary, call } what = kind::number;
  op operation = op::add;  // binary
  std::string function;    // call
  double value = 0;        // number
  int input = 0;           // input
  int column = 0;          // 1-based, of the token that made the node
  std::vector<expr> args;
  bool divides = false;    // a division somewhere inside (its errors depend on the branch taken)
  int depth = 1;           // levels of the tree from this node down
  // Its value is a decimal as it stands: inputs, literals, sums and differences (put on the
  // decimal grid), truth values, rounded values. Products and quotients are not until a decision
  // (a comparison, the result) puts them there.
  bool decimal = true;
};

constexpr int max_round_digits = 12;
// Parentheses, function calls, unary minus and `not` nest by recursion in the parser, and the
// tree's depth is the recursion of code generation: both are bounded so that a hostile or
// generated model cannot overflow the stack (about 3 kB of stack a level of parentheses).
constexpr int max_nesting = 100;
constexpr int max_depth = 1000;
// Longer literals and names are cut in messages.
constexpr std::size_t longest_quoted = 40;

// `text` for a message: whole when short, else its beginning and its length.
std::string quoted(const std::string& text) {
  if (text.size() <= longest_quoted) return "'" + text + "'";
  return "'" + text.substr(0, longest_quoted) + "…' (" + std::to_string(text.size()) + " characters)";
}

bool is_name_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_name_char(char c) { return is_name_start(c) || (c >= '0' && c <= '9') || c == '_'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

class parser {
 public:
  parser(const std::string& text, const std::vector<std::string>& inputs, const std::string& path)
      : text_(text), inputs_(inputs), path_(path) {}

  expr parse() {
    skip_space();
    if (pos_ >= text_.size()) fail(pos_, "the expression is empty");
    expr e = parse_or();
    skip_space();
    if (pos_ < text_.size()) fail(pos_, "unexpected " + describe_here() + " after a complete expression");
    return e;
  }

 private:
  // One more level of recursion (a parenthesis, a call, a unary minus or `not`) while alive.
  class nested {
   public:
    nested(parser& p, std::size_t at) : p_(p) {
      if (++p_.nesting_ > max_nesting)
        p_.fail(at, "the expression nests deeper than " + std::to_string(max_nesting) +
                        " levels of parentheses, function calls, '-' or 'not'");
    }
    ~nested() { --p_.nesting_; }
    nested(const nested&) = delete;
    nested& operator=(const nested&) = delete;

   private:
    parser& p_;
  };

  // A node over `args` gets the depth of the deepest; a tree deeper than max_depth is refused.
  void set_depth(expr& e) const {
    for (const expr& a : e.args) e.depth = std::max(e.depth, a.depth + 1);
    if (e.depth > max_depth)
      fail(text_offset_of(e.column), "the expression is deeper than " + std::to_string(max_depth) +
                                         " operations one inside another (a chain of " + std::to_string(max_depth) +
                                         " '+' is: group its terms with parentheses)");
  }

  [[noreturn]] void fail(std::size_t at, const std::string& what) const {
    throw model_error("model.formula", path_, "column " + std::to_string(column_of(at)) + ": " + what);
  }

  // Columns count characters (UTF-8 code points), from 1.
  int column_of(std::size_t at) const {
    int column = 1;
    for (std::size_t i = 0; i < at && i < text_.size(); ++i)
      if ((static_cast<unsigned char>(text_[i]) & 0xC0) != 0x80) ++column;
    return column;
  }

  std::string describe_here() const {
    if (pos_ >= text_.size()) return "end of the expression";
    std::size_t end = pos_ + 1;
    while (end < text_.size() && (static_cast<unsigned char>(text_[end]) & 0xC0) == 0x80) ++end;
    return "'" + text_.substr(pos_, end - pos_) + "'";
  }

  void skip_space() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\n' || text_[pos_] == '\r'))
      ++pos_;
  }

  // The word at the current position (without consuming it), or "".
  std::string peek_word() const {
    std::size_t end = pos_;
    if (end < text_.size() && is_name_start(text_[end]))
      while (end < text_.size() && is_name_char(text_[end])) ++end;
    return text_.substr(pos_, end - pos_);
  }

  bool take_word(const char* word) {
    skip_space();
    if (peek_word() != word) return false;
    pos_ += std::char_traits<char>::length(word);
    return true;
  }

  bool take(const char* symbol) {
    skip_space();
    const std::size_t length = std::char_traits<char>::length(symbol);
    if (text_.compare(pos_, length, symbol) != 0) return false;
    pos_ += length;
    return true;
  }

  expr binary(op o, expr a, expr b, int column) const {
    expr e;
    e.what = expr::kind::binary;
    e.operation = o;
    e.column = column;
    e.divides = o == op::div || a.divides || b.divides;
    e.decimal = o != op::mul && o != op::div;
    e.args.push_back(std::move(a));
    e.args.push_back(std::move(b));
    set_depth(e);
    return e;
  }

  expr parse_or() {
    expr left = parse_and();
    for (;;) {
      skip_space();
      const std::size_t at = pos_;
      if (!take_word("or")) return left;
      left = binary(op::logical_or, std::move(left), parse_and(), column_of(at));
    }
  }

  expr parse_and() {
    expr left = parse_not();
    for (;;) {
      skip_space();
      const std::size_t at = pos_;
      if (!take_word("and")) return left;
      left = binary(op::logical_and, std::move(left), parse_not(), column_of(at));
    }
  }

  expr parse_not() {
    skip_space();
    const std::size_t at = pos_;
    if (take_word("not")) {
      const nested level(*this, at);
      expr e;
      e.what = expr::kind::logical_not;
      e.column = column_of(at);
      e.args.push_back(parse_not());
      e.divides = e.args[0].divides;
      set_depth(e);
      return e;
    }
    return parse_comparison();
  }

  std::optional<op> take_comparison() {
    skip_space();
    static const std::pair<const char*, op> symbols[] = {{"<=", op::le}, {">=", op::ge}, {"==", op::eq},
                                                         {"!=", op::ne}, {"<", op::lt},  {">", op::gt}};
    for (const auto& [symbol, o] : symbols)
      if (take(symbol)) return o;
    return std::nullopt;
  }

  expr parse_comparison() {
    expr left = parse_sum();
    skip_space();
    const std::size_t at = pos_;
    const auto o = take_comparison();
    if (!o) return left;
    expr e = binary(*o, std::move(left), parse_sum(), column_of(at));
    skip_space();
    const std::size_t second = pos_;
    if (take_comparison())
      fail(second, "comparisons do not chain: write (a < b) and (b < c)");
    return e;
  }

  expr parse_sum() {
    expr left = parse_product();
    for (;;) {
      skip_space();
      const std::size_t at = pos_;
      if (take("+")) left = binary(op::add, std::move(left), parse_product(), column_of(at));
      else if (take("-")) left = binary(op::sub, std::move(left), parse_product(), column_of(at));
      else return left;
    }
  }

  expr parse_product() {
    expr left = parse_unary();
    for (;;) {
      skip_space();
      const std::size_t at = pos_;
      if (take("*")) left = binary(op::mul, std::move(left), parse_unary(), column_of(at));
      else if (take("/")) left = binary(op::div, std::move(left), parse_unary(), column_of(at));
      else return left;
    }
  }

  expr parse_unary() {
    skip_space();
    const std::size_t at = pos_;
    if (take("-")) {
      const nested level(*this, at);
      expr e;
      e.what = expr::kind::negate;
      e.column = column_of(at);
      e.args.push_back(parse_unary());
      e.divides = e.args[0].divides;
      e.decimal = e.args[0].decimal;
      set_depth(e);
      return e;
    }
    return parse_primary();
  }

  expr parse_number() {
    const std::size_t at = pos_;
    std::size_t end = pos_;
    while (end < text_.size() && is_digit(text_[end])) ++end;
    if (end < text_.size() && text_[end] == '.') {
      ++end;
      const std::size_t fraction = end;
      while (end < text_.size() && is_digit(text_[end])) ++end;
      if (end == fraction && end - 1 == at) fail(at, "expected a number");
    }
    if (end < text_.size() && (text_[end] == 'e' || text_[end] == 'E')) {
      std::size_t exponent = end + 1;
      if (exponent < text_.size() && (text_[exponent] == '+' || text_[exponent] == '-')) ++exponent;
      if (exponent < text_.size() && is_digit(text_[exponent])) {
        end = exponent;
        while (end < text_.size() && is_digit(text_[end])) ++end;
      }
    }
    if (end < text_.size() && is_name_char(text_[end]))
      fail(end, "unexpected " + std::string("'") + text_[end] + "' in a number");
    // The literal is plain ASCII; the C locale's strtod reads it (no locale-dependent text here
    // beyond '.', which chiso's processes never change).
    const std::string literal = text_.substr(at, end - at);
    char* stop = nullptr;
    const double value = std::strtod(literal.c_str(), &stop);
    if (stop != literal.c_str() + literal.size()) fail(at, "cannot read the number " + quoted(literal));
    if (!std::isfinite(value)) fail(at, "the number " + quoted(literal) + " is too large");
    pos_ = end;
    expr e;
    e.what = expr::kind::number;
    e.value = value;
    e.column = column_of(at);
    return e;
  }

  expr parse_primary() {
    skip_space();
    const std::size_t at = pos_;
    if (pos_ >= text_.size()) fail(pos_, "the expression ends where a value was expected");
    const char c = text_[pos_];
    if (is_digit(c) || (c == '.' && pos_ + 1 < text_.size() && is_digit(text_[pos_ + 1]))) return parse_number();
    if (take("(")) {
      const nested level(*this, at);
      expr e = parse_or();
      skip_space();
      if (!take(")")) fail(pos_, "expected ')' to close the '(' at column " + std::to_string(column_of(at)) +
                                     ", found " + describe_here());
      return e;
    }
    if (!is_name_start(c)) fail(pos_, "expected a number, an input name, a function or '(', found " + describe_here());
    const std::string name = peek_word();
    pos_ += name.size();
    if (name == "and" || name == "or" || name == "not")
      fail(at, "'" + name + "' needs a value before it" + (name == "not" ? std::string(" (use parentheses: -(not a))") : ""));
    skip_space();
    if (pos_ < text_.size() && text_[pos_] == '(') {
      ++pos_;
      const nested level(*this, at);
      return parse_call(name, at);
    }
    const auto found = std::find(inputs_.begin(), inputs_.end(), name);
    if (found == inputs_.end()) {
      std::string known;
      for (const std::string& input : inputs_) known += (known.empty() ? "" : ", ") + input;
      fail(at, "unknown input " + quoted(name) + " (this criterion's inputs: " + known + ")");
    }
    expr e;
    e.what = expr::kind::input;
    e.input = static_cast<int>(found - inputs_.begin());
    e.column = column_of(at);
    return e;
  }

  expr parse_call(const std::string& name, std::size_t at) {
    struct arity {
      const char* name;
      std::size_t least, most;
      const char* form;
    };
    static const arity functions[] = {
        {"if", 3, 3, "if(condition, a, b)"},   {"min", 2, 1000000, "min(a, b, …)"},
        {"max", 2, 1000000, "max(a, b, …)"},   {"clamp", 3, 3, "clamp(x, lo, hi)"},
        {"abs", 1, 1, "abs(x)"},               {"ratio", 3, 3, "ratio(n, d, z)"},
        {"round", 2, 2, "round(x, k)"}};
    const arity* known = nullptr;
    for (const arity& f : functions)
      if (name == f.name) known = &f;
    if (!known)
      fail(at, "unknown function " + quoted(name) + " (functions: if, min, max, clamp, abs, ratio, round)");
    expr e;
    e.what = expr::kind::call;
    e.function = name;
    e.column = column_of(at);
    skip_space();
    if (!take(")")) {
      for (;;) {
        e.args.push_back(parse_or());
        skip_space();
        if (take(")")) break;
        if (!take(",")) fail(pos_, "expected ',' or ')' in the call of " + name + ", found " + describe_here());
      }
    }
    if (e.args.size() < known->least || e.args.size() > known->most)
      fail(at, name + " takes " +
                   (known->least == known->most ? std::to_string(known->least)
                                                : "at least " + std::to_string(known->least)) +
                   " argument" + (known->least == 1 && known->most == 1 ? "" : "s") + " (" + known->form + "), got " +
                   std::to_string(e.args.size()));
    if (name == "round") {
      const expr& digits = e.args[1];
      if (digits.what != expr::kind::number || digits.value != std::floor(digits.value) || digits.value < 0 ||
          digits.value > max_round_digits)
        fail(text_offset_of(digits.column), "round(x, k) needs k written as a whole number from 0 to " +
                                                std::to_string(max_round_digits));
    }
    for (const expr& a : e.args) e.divides = e.divides || a.divides;
    // if, min, max, clamp and abs pick or bound values as they are; ratio divides.
    const std::size_t picked_from = name == "if" ? 1 : 0;
    e.decimal = name == "round" || (name != "ratio" && std::all_of(e.args.begin() + static_cast<std::ptrdiff_t>(picked_from),
                                                                   e.args.end(), [](const expr& a) { return a.decimal; }));
    set_depth(e);
    return e;
  }

  std::size_t text_offset_of(int column) const {
    int seen = 1;
    for (std::size_t i = 0; i < text_.size(); ++i) {
      if ((static_cast<unsigned char>(text_[i]) & 0xC0) == 0x80) continue;
      if (seen == column) return i;
      ++seen;
    }
    return text_.size();
  }

  const std::string& text_;
  const std::vector<std::string>& inputs_;
  const std::string& path_;
  std::size_t pos_ = 0;
  int nesting_ = 0;
};

// Code generation: stack slots are taken in order and freed in reverse, so a node's value lands in
// the slot at `top` (or stays in an input or constant register, which no instruction writes).
class compiler {
 public:
  explicit compiler(detail::formula_program& p) : p_(p) {}

  void compile(const expr& root) {
    // Constants are numbered before slots, so collect them first.
    collect_constants(root);
    p_.result = on_grid_if(true, root, gen(root, -1, 0));
    p_.divides = root.divides;
    for (auto& ins : p_.code) relocate(ins);
    p_.result = relocated(p_.result);
    p_.constant_blocks.resize(p_.constants.size() * static_cast<std::size_t>(detail::formula_block_units));
    for (std::size_t k = 0; k < p_.constants.size(); ++k)
      std::fill_n(p_.constant_blocks.begin() + static_cast<std::ptrdiff_t>(k) * detail::formula_block_units,
                  detail::formula_block_units, p_.constants[k]);
  }

 private:
  // During generation slots are numbered from slot_base, far above any input or constant.
  static constexpr int slot_base = 1 << 20;

  int constant(double v) {
    for (std::size_t k = 0; k < p_.constants.size(); ++k)
      if (p_.constants[k] == v && std::signbit(p_.constants[k]) == std::signbit(v))
        return p_.input_count + static_cast<int>(k);
    p_.constants.push_back(v);
    return p_.input_count + static_cast<int>(p_.constants.size()) - 1;
  }

  void collect_constants(const expr& e) {
    if (e.what == expr::kind::number) constant(e.value);
    // round(x, k): k is a digit count, not a value.
    const std::size_t used = e.what == expr::kind::call && e.function == "round" ? 1 : e.args.size();
    for (std::size_t k = 0; k < used; ++k) collect_constants(e.args[k]);
  }

  int relocated(int r) const { return r >= slot_base ? p_.first_slot() + (r - slot_base) : r; }
  void relocate(detail::formula_instruction& ins) const {
    ins.dst = relocated(ins.dst);
    ins.a = relocated(ins.a);
    ins.b = relocated(ins.b);
    ins.c = relocated(ins.c);
    if (ins.active >= 0) ins.active = relocated(ins.active);
  }

  int slot(int top) {
    p_.stack_size = std::max(p_.stack_size, top + 1);
    return slot_base + top;
  }
  // The first free slot after a value computed at `top` (which holds it when it is a slot).
  int after(int value, int top) { return value == slot_base + top ? top + 1 : top; }

  int emit(op o, int dst, int a, int b = 0, int c = 0, int active = -1, int column = 0, int digits = 0) {
    detail::formula_instruction ins;
    ins.code = o;
    ins.dst = dst;
    ins.a = a;
    ins.b = b;
    ins.c = c;
    ins.active = active;
    ins.column = column;
    ins.digits = digits;
    p_.code.push_back(ins);
    return dst;
  }

  // A mask register for a branch: where `condition` is true (or false, when `negate`), within
  // `active` (-1: everywhere). Written at slot `top` unless the condition itself serves.
  int branch_mask(int active, int condition, bool negate, int top) {
    if (active < 0 && !negate) return condition;
    const int mask = slot(top);
    if (negate) {
      emit(op::logical_not, mask, condition);
      if (active >= 0) emit(op::logical_and, mask, active, mask);
    } else {
      emit(op::logical_and, mask, active, condition);
    }
    return mask;
  }

  // A value about to decide something (`when`) put on the decimal grid where it is not yet there:
  // then it is a product's or a quotient's, in a slot of its own.
  int on_grid_if(bool when, const expr& e, int value) {
    if (when && !e.decimal) emit(op::decimal, value, value);
    return value;
  }

  // Generates e where `active` (a register, or -1 for all units) says whose errors count.
  int gen(const expr& e, int active, int top) {
    switch (e.what) {
      case expr::kind::number:
        return constant(e.value);
      case expr::kind::input:
        return e.input;
      case expr::kind::negate:
        return emit(op::neg, slot(top), gen(e.args[0], active, top));
      case expr::kind::logical_not:
        return emit(op::logical_not, slot(top), gen(e.args[0], active, top));
      case expr::kind::binary: {
        const bool compares = e.operation >= op::lt && e.operation <= op::ne;
        const int a = on_grid_if(compares, e.args[0], gen(e.args[0], active, top));
        int next = after(a, top);
        int right_active = active;
        if ((e.operation == op::logical_and || e.operation == op::logical_or) && e.args[1].divides) {
          // The right side counts only where the left one does not decide.
          right_active = branch_mask(active, a, e.operation == op::logical_or, next);
          next = after(right_active, next);
        }
        const int b = on_grid_if(compares, e.args[1], gen(e.args[1], right_active, next));
        return emit(e.operation, slot(top), a, b, 0, e.operation == op::div ? active : -1, e.column);
      }
      case expr::kind::call:
        return gen_call(e, active, top);
    }
    return 0;
  }

  int gen_call(const expr& e, int active, int top) {
    const std::string& f = e.function;
    if (f == "if") {
      const int condition = gen(e.args[0], active, top);
      int next = after(condition, top);
      int when_true = active, when_false = active;
      if (e.args[1].divides) {
        when_true = branch_mask(active, condition, false, next);
        next = after(when_true, next);
      }
      if (e.args[2].divides) {
        when_false = branch_mask(active, condition, true, next);
        next = after(when_false, next);
      }
      const int a = gen(e.args[1], when_true, next);
      next = after(a, next);
      const int b = gen(e.args[2], when_false, next);
      return emit(op::select, slot(top), a, b, condition);
    }
    if (f == "ratio") {
      const int denominator = gen(e.args[1], active, top);
      int next = after(denominator, top);
      int divided = active, zero = active;
      if (e.args[0].divides) {
        divided = branch_mask(active, denominator, false, next);
        next = after(divided, next);
      }
      if (e.args[2].divides) {
        zero = branch_mask(active, denominator, true, next);
        next = after(zero, next);
      }
      const int n = gen(e.args[0], divided, next);
      next = after(n, next);
      const int z = gen(e.args[2], zero, next);
      return emit(op::ratio, slot(top), n, denominator, z);
    }
    if (f == "min" || f == "max") {
      int value = gen(e.args[0], active, top);
      for (std::size_t k = 1; k < e.args.size(); ++k) {
        const int b = gen(e.args[k], active, after(value, top));
        value = emit(f == "min" ? op::minimum : op::maximum, slot(top), value, b);
      }
      return value;
    }
    if (f == "clamp") {
      const int x = gen(e.args[0], active, top);
      int next = after(x, top);
      const int low = gen(e.args[1], active, next);
      next = after(low, next);
      const int high = gen(e.args[2], active, next);
      return emit(op::clamp, slot(top), x, low, high);
    }
    if (f == "abs") return emit(op::absolute, slot(top), gen(e.args[0], active, top));
    // round
    const int x = gen(e.args[0], active, top);
    return emit(op::round, slot(top), x, 0, 0, -1, 0, static_cast<int>(e.args[1].value));
  }

  detail::formula_program& p_;
};

}  // namespace

formula::formula(std::string text, std::vector<std::string> inputs, const std::string& path)
    : text_(std::move(text)), inputs_(std::move(inputs)) {
  const expr root = parser(text_, inputs_, path).parse();
  auto program = std::make_shared<detail::formula_program>();
  program->input_count = static_cast<int>(inputs_.size());
  compiler(*program).compile(root);
  program_ = std::move(program);
}

// The definition of each instruction, for one unit; the evaluation's formula kernels
// (src/evaluate/kernels/formula_kernels.hpp) give the same bits over blocks of units.
formula::outcome formula::evaluate(const double* inputs) const {
  using detail::decimal_value;
  const detail::formula_program& p = *program_;
  std::vector<double> registers(static_cast<std::size_t>(p.register_count()));
  std::copy(inputs, inputs + p.input_count, registers.begin());
  std::copy(p.constants.begin(), p.constants.end(), registers.begin() + p.first_constant());
  int fault = 0;
  auto truth = [](bool b) { return b ? 1.0 : 0.0; };
  for (const detail::formula_instruction& ins : p.code) {
    const double a = registers[static_cast<std::size_t>(ins.a)];
    const double b = registers[static_cast<std::size_t>(ins.b)];
    const double c = registers[static_cast<std::size_t>(ins.c)];
    double& d = registers[static_cast<std::size_t>(ins.dst)];
    // Sums and differences on the grid of their larger operand; other values where the program
    // says (op::decimal), on their own.
    auto sum = [](double x, double y, double s) { return decimal_value(s, std::fabs(x) > std::fabs(y) ? std::fabs(x) : std::fabs(y)); };
    auto own = [](double x) { return decimal_value(x, std::fabs(x)); };
    switch (ins.code) {
      case op::add: d = sum(a, b, a + b); break;
      case op::sub: d = sum(a, b, a - b); break;
      case op::mul: d = a * b; break;
      case op::div:
        if (b == 0.0 && fault == 0 && (ins.active < 0 || registers[static_cast<std::size_t>(ins.active)] != 0.0))
          fault = ins.column;
        d = a / b;
        break;
      case op::decimal: d = own(a); break;
      case op::neg: d = -a; break;
      case op::lt: d = truth(a < b); break;
      case op::le: d = truth(a <= b); break;
      case op::gt: d = truth(a > b); break;
      case op::ge: d = truth(a >= b); break;
      case op::eq: d = truth(a == b); break;
      case op::ne: d = truth(a != b); break;
      case op::logical_and: d = truth(a != 0.0) * truth(b != 0.0); break;
      case op::logical_or: d = truth(a != 0.0 || b != 0.0); break;
      case op::logical_not: d = truth(a == 0.0); break;
      case op::select: d = c != 0.0 ? a : b; break;
      case op::minimum: d = b < a ? b : a; break;
      case op::maximum: d = b > a ? b : a; break;
      case op::clamp: {
        const double low = a < b ? b : a;
        d = low > c ? c : low;
        break;
      }
      case op::absolute: d = std::fabs(a); break;
      case op::ratio: d = b != 0.0 ? a / b : c; break;
      case op::round: d = round_decimal(a, ins.digits, rounding_mode::half_up); break;
    }
  }
  return {registers[static_cast<std::size_t>(p.result)], fault};
}

}  // namespace chiso
