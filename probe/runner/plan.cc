#include "probe/runner/plan.h"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace probe::runner {
namespace {

constexpr auto kMaxTimeout = std::chrono::hours(24);

bool IsName(std::string_view text) {
  if (text.empty() || text.size() > 64) return false;
  for (char c : text) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-' || c == '.';
    if (!ok) return false;
  }
  return true;
}

Result<void> ParseRun(const YamlReader& r, const YAML::Node& node, Plan& plan) {
  if (!node.IsDefined()) return {};
  if (auto keys = r.Keys(node, "run", {"jobs", "per_host_connections", "timeout"}); !keys) {
    return keys;
  }
  auto jobs = r.Integer(node, "jobs", "run", 1, 1024);
  if (!jobs) return Fail(jobs.error());
  if (*jobs) plan.jobs = static_cast<int>(**jobs);
  auto cap = r.Integer(node, "per_host_connections", "run", 1, 1024);
  if (!cap) return Fail(cap.error());
  if (*cap) plan.per_host_connections = static_cast<int>(**cap);
  auto timeout = r.Duration(node, "timeout", "run", kMaxTimeout);
  if (!timeout) return Fail(timeout.error());
  if (*timeout) plan.timeout = **timeout;
  return {};
}

Result<PlanModule> ParseModule(const YamlReader& r, const YAML::Node& key, const YAML::Node& node,
                               const std::string& base_dir) {
  PlanModule m;
  m.name = key.Scalar();
  std::string where = fmt::format("module '{}'", Shown(m.name));
  if (!IsName(m.name)) {
    return r.Invalid(
        key, fmt::format("{}: a module name is 1-64 letters, digits, '_', '-' or '.'", where));
  }
  if (!node.IsMap()) return r.Invalid(node, where + ": expected a mapping of keys");
  auto check = r.Text(node, "check", where, true);
  if (!check) return Fail(check.error());
  m.kind = FindModuleKind(*check);
  if (!m.kind) {
    std::string known;
    for (const ModuleKind* k : ModuleKinds())
      known += (known.empty() ? "" : ", ") + std::string(k->name);
    return r.Invalid(r.At(node, "check"),
                     fmt::format("{}: check '{}' is not one of: {}", where, Shown(*check), known));
  }
  std::string kind_key(m.kind->name);
  if (auto keys = r.Keys(node, where, {"check", "timeout", "schedule", kind_key}); !keys) {
    return Fail(keys.error());
  }
  auto timeout = r.Duration(node, "timeout", where, kMaxTimeout);
  if (!timeout) return Fail(timeout.error());
  if (*timeout) m.timeout = **timeout;
  auto schedule = r.Duration(node, "schedule", where, std::chrono::hours(24 * 7));
  if (!schedule) return Fail(schedule.error());
  m.schedule = *schedule;
  ModuleContext context{r, node[kind_key], where, base_dir};
  if (context.options.IsDefined() && !context.options.IsMap() && !context.options.IsNull()) {
    return r.Invalid(context.options, fmt::format("{}: '{}' must be a mapping", where, kind_key));
  }
  // `tls:` with nothing after it means no options, like leaving the key out.
  if (context.options.IsDefined() && context.options.IsNull()) {
    context.options = YAML::Node(YAML::NodeType::Undefined);
  }
  auto module = m.kind->parse(context);
  if (!module) return Fail(module.error());
  m.module = std::move(*module);
  return m;
}

Result<void> ParseNet(const YamlReader& r, const YAML::Node& node, const std::string& where,
                      net::NetOptions& net) {
  auto connect_to = r.TextList(node, "connect_to", where);
  if (!connect_to) return Fail(connect_to.error());
  for (const auto& text : *connect_to) {
    auto parsed = net::ParseConnectTo(text);
    if (!parsed)
      return r.Invalid(r.At(node, "connect_to"), where + ": connect_to " + parsed.error().message);
    net.connect_to.push_back(*parsed);
  }
  auto resolve = r.TextList(node, "resolve", where);
  if (!resolve) return Fail(resolve.error());
  for (const auto& text : *resolve) {
    auto parsed = net::ParseResolve(text);
    if (!parsed)
      return r.Invalid(r.At(node, "resolve"), where + ": resolve " + parsed.error().message);
    net.resolve.push_back(*parsed);
  }
  return {};
}

Result<PlanTarget> ParseTarget(const YamlReader& r, const YAML::Node& node, std::size_t index,
                               const Plan& plan) {
  std::string where = fmt::format("target #{}", index + 1);
  if (auto keys =
          r.Keys(node, where, {"target", "name", "modules", "sni", "connect_to", "resolve"});
      !keys) {
    return Fail(keys.error());
  }
  PlanTarget t;
  t.line = node.Mark().line + 1;
  auto target = r.Text(node, "target", where, true);
  if (!target) return Fail(target.error());
  t.target.target = *target;
  where = fmt::format("target '{}'", Shown(*target));
  auto name = r.Text(node, "name", where);
  if (!name) return Fail(name.error());
  t.name = name->empty() ? *target : *name;
  auto sni = r.Text(node, "sni", where);
  if (!sni) return Fail(sni.error());
  t.target.sni = *sni;
  if (auto net = ParseNet(r, node, where, t.target.net); !net) return Fail(net.error());
  auto modules = r.TextList(node, "modules", where);
  if (!modules) return Fail(modules.error());
  if (modules->empty()) return r.Invalid(node, where + ": missing 'modules' (the checks to run)");
  for (const auto& module_name : *modules) {
    const PlanModule* m = plan.FindModule(module_name);
    if (!m) {
      return r.Invalid(
          r.At(node, "modules"),
          fmt::format("{}: module '{}' is not defined under 'modules'", where, Shown(module_name)));
    }
    if (auto valid = m->module->ValidateTarget(t.target); !valid) {
      return r.Invalid(r.At(node, "target"),
                       fmt::format("{}: module '{}': {}", where, m->name, valid.error().message));
    }
  }
  t.modules = std::move(*modules);
  return t;
}

Result<Plan> ParseDocument(const YamlReader& r, const YAML::Node& root, const std::string& base_dir,
                           bool require_targets) {
  Plan plan;
  plan.source = r.source();
  if (!root.IsMap())
    return r.Invalid(root, "plan: expected a mapping with 'modules' and 'targets'");
  if (auto keys = r.Keys(root, "plan", {"run", "modules", "targets"}); !keys)
    return Fail(keys.error());
  if (auto run = ParseRun(r, root["run"], plan); !run) return Fail(run.error());
  YAML::Node modules = root["modules"];
  if (!modules.IsDefined() || !modules.IsMap() || modules.size() == 0) {
    return r.Invalid(modules.IsDefined() ? modules : root,
                     "plan: 'modules' must map module names to their check and options");
  }
  for (const auto& kv : modules) {
    if (!kv.first.IsScalar()) return r.Invalid(kv.first, "modules: keys must be plain names");
    auto m = ParseModule(r, kv.first, kv.second, base_dir);
    if (!m) return Fail(m.error());
    if (plan.FindModule(m->name)) {
      return r.Invalid(kv.first, fmt::format("modules: duplicate module '{}'", m->name));
    }
    plan.modules.push_back(std::move(*m));
  }
  YAML::Node targets = root["targets"];
  if (!targets.IsDefined() && !require_targets) return plan;
  if (!targets.IsDefined() || !targets.IsSequence() || (require_targets && targets.size() == 0)) {
    return r.Invalid(targets.IsDefined() ? targets : root,
                     "plan: 'targets' must be a list of {target, modules}");
  }
  for (std::size_t i = 0; i < targets.size(); ++i) {
    auto t = ParseTarget(r, targets[i], i, plan);
    if (!t) return Fail(t.error());
    plan.targets.push_back(std::move(*t));
  }
  return plan;
}

}  // namespace

const PlanModule* Plan::FindModule(std::string_view name) const {
  for (const auto& m : modules) {
    if (m.name == name) return &m;
  }
  return nullptr;
}

bool Plan::Lists(std::string_view module, std::string_view target) const {
  for (const auto& t : targets) {
    if (t.target.target != target) continue;
    for (const auto& m : t.modules) {
      if (m == module) return true;
    }
  }
  return false;
}

Result<Plan> ParsePlan(std::string_view yaml, std::string_view source, const std::string& base_dir,
                       bool require_targets) {
  YamlReader reader{std::string(source)};
  try {
    YAML::Node root = YAML::Load(std::string(yaml));
    return ParseDocument(reader, root, base_dir, require_targets);
  } catch (const YAML::Exception& e) {
    int line = e.mark.line;
    std::string what = e.msg;
    if (line < 0) return Fail(ErrorCode::kMalformed, fmt::format("{}: {}", source, what));
    return Fail(ErrorCode::kMalformed, fmt::format("{}:{}: {}", source, line + 1, what));
  }
}

Result<Plan> LoadPlan(const std::string& path, bool require_targets) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Fail(ErrorCode::kIo, fmt::format("cannot read the plan {}", path));
  std::stringstream text;
  text << in.rdbuf();
  std::string dir = std::filesystem::path(path).parent_path().string();
  return ParsePlan(text.str(), path, dir, require_targets);
}

}  // namespace probe::runner
