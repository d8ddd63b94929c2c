#include "store/engine_repository.h"

#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "store/statement_cache.h"

namespace ordo::store {
namespace {

using engine::DefinitionRecord;
using engine::ExternalTaskRecord;
using engine::HistoryRecord;
using engine::IncidentRecord;
using engine::InstanceRecord;
using engine::Page;
using engine::PageRequest;
using engine::UserTaskRecord;
using nlohmann::json;

// A statement whose text is built at run time: named parameters whose values live as long as
// the query (SOCI binds by reference). With a StatementCache (SQLite), the statement is
// prepared once per connection and only its values change from one run to the next.
class Query {
 public:
  explicit Query(std::string sql, StatementCache* cache = nullptr)
      : sql_(std::move(sql)), cache_(cache) {}
  Query& operator+=(const std::string& more) {
    sql_ += more;
    return *this;
  }
  // Binds a fresh parameter and returns its placeholder (":p3"). Every occurrence gets its
  // own name: SOCI's PostgreSQL back end binds a repeated name only once.
  std::string Text(std::string value) { return AddText(std::move(value), soci::i_ok); }
  std::string Number(long long value) { return AddNumber(value, soci::i_ok); }
  // NULL when empty.
  std::string OptText(const std::optional<std::string>& value) {
    return AddText(value.value_or(""), value ? soci::i_ok : soci::i_null);
  }
  std::string OptNumber(const std::optional<long long>& value) {
    return AddNumber(value.value_or(0), value ? soci::i_ok : soci::i_null);
  }

  // Calls `f(row)` for each result row while it returns true.
  template <typename F>
  void Each(soci::session& s, F f) {
    if (PreparedStatement* p = Prepared(s, /*select=*/true)) {
      try {
        bool more = p->statement->execute(true);
        while (more && f(static_cast<const soci::row&>(p->row))) more = p->statement->fetch();
      } catch (...) {
        cache_->Drop(sql_);
        throw;
      }
      p->Reset();
      return;
    }
    soci::details::prepare_temp_type prep = (s.prepare << sql_);
    Bind(prep);
    for (const soci::row& r : soci::rowset<soci::row>(prep)) {
      if (!f(r)) break;
    }
  }
  // The result rows, uncached (for the queries off the hot path).
  soci::rowset<soci::row> Rows(soci::session& s) {
    soci::details::prepare_temp_type prep = (s.prepare << sql_);
    Bind(prep);
    return soci::rowset<soci::row>(prep);
  }
  // Runs a statement that returns no rows; the number of rows it changed.
  long long Execute(soci::session& s) {
    if (PreparedStatement* p = Prepared(s, /*select=*/false)) {
      try {
        p->statement->execute(true);
        const long long changed = p->statement->get_affected_rows();
        p->Reset();
        return changed;
      } catch (...) {
        cache_->Drop(sql_);
        throw;
      }
    }
    soci::details::prepare_temp_type prep = (s.prepare << sql_);
    Bind(prep);
    soci::statement st(prep);
    st.execute(true);
    return st.get_affected_rows();
  }

 private:
  struct Param {
    std::string name;
    soci::indicator null;
  };
  std::string AddText(std::string value, soci::indicator null) {
    std::string name = "p" + std::to_string(next_++);
    texts_.push_back(Param{name, null});
    text_values_.push_back(std::move(value));
    return ":" + name;
  }
  std::string AddNumber(long long value, soci::indicator null) {
    std::string name = "p" + std::to_string(next_++);
    numbers_.push_back(Param{name, null});
    number_values_.push_back(value);
    return ":" + name;
  }
  void Bind(soci::details::prepare_temp_type& prep) {
    for (std::size_t i = 0; i < texts_.size(); ++i) {
      prep, soci::use(text_values_[i], texts_[i].null, texts_[i].name);
    }
    for (std::size_t i = 0; i < numbers_.size(); ++i) {
      prep, soci::use(number_values_[i], numbers_[i].null, numbers_[i].name);
    }
  }
  // The cached statement with this query's values copied in; nullptr without a cache (or a
  // full one).
  PreparedStatement* Prepared(soci::session& s, bool select) {
    if (cache_ == nullptr) return nullptr;
    PreparedStatement* p = cache_->Find(sql_);
    if (p == nullptr) {
      if (cache_->Full()) return nullptr;
      auto fresh = std::make_unique<PreparedStatement>();
      fresh->texts.resize(texts_.size());
      fresh->text_nulls.resize(texts_.size());
      fresh->numbers.resize(numbers_.size());
      fresh->number_nulls.resize(numbers_.size());
      soci::details::prepare_temp_type prep = (s.prepare << sql_);
      for (std::size_t i = 0; i < texts_.size(); ++i) {
        prep, soci::use(fresh->texts[i], fresh->text_nulls[i], texts_[i].name);
      }
      for (std::size_t i = 0; i < numbers_.size(); ++i) {
        prep, soci::use(fresh->numbers[i], fresh->number_nulls[i], numbers_[i].name);
      }
      if (select) prep, soci::into(fresh->row);
      fresh->statement = std::make_unique<soci::statement>(prep);
      p = cache_->Add(sql_, std::move(fresh));
    }
    for (std::size_t i = 0; i < texts_.size(); ++i) {
      p->texts[i] = text_values_[i];
      p->text_nulls[i] = texts_[i].null;
    }
    for (std::size_t i = 0; i < numbers_.size(); ++i) {
      p->numbers[i] = number_values_[i];
      p->number_nulls[i] = numbers_[i].null;
    }
    return p;
  }

  std::string sql_;
  StatementCache* cache_;
  std::vector<Param> texts_, numbers_;
  std::deque<std::string> text_values_;  // deque: stable addresses for SOCI's references
  std::deque<long long> number_values_;
  int next_ = 0;
};

std::optional<std::string> OptText(const soci::row& r, std::size_t i) {
  if (r.get_indicator(i) == soci::i_null) return std::nullopt;
  return r.get<std::string>(i);
}
std::optional<long long> OptBig(const soci::row& r, std::size_t i) {
  if (r.get_indicator(i) == soci::i_null) return std::nullopt;
  return r.get<long long>(i);
}
std::optional<int> OptInt(const soci::row& r, std::size_t i) {
  if (r.get_indicator(i) == soci::i_null) return std::nullopt;
  return r.get<int>(i);
}

std::string Dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

json ParseJson(const std::string& text) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  return j.is_discarded() ? json() : j;
}

std::vector<std::string> ParseNames(const std::string& text) {
  std::vector<std::string> out;
  json j = ParseJson(text);
  if (j.is_array()) {
    for (const json& v : j) {
      if (v.is_string()) out.push_back(v.get<std::string>());
    }
  }
  return out;
}

// Appends "ORDER BY ... LIMIT n+1" and turns the rows into a page: one extra row tells
// whether there is a next page.
template <typename T, typename KeyFn>
Page<T> Cut(std::vector<T> items, int limit, KeyFn key) {
  Page<T> page;
  if (static_cast<int>(items.size()) > limit) {
    items.resize(static_cast<std::size_t>(limit));
    page.next_cursor = engine::EncodeCursor(key(items.back()));
  }
  page.items = std::move(items);
  return page;
}

Result<long long> ParseNumber(const std::string& s) {
  try {
    std::size_t used = 0;
    long long v = std::stoll(s, &used);
    if (used == s.size()) return v;
  } catch (const std::exception&) {
  }
  return Fail(ErrorCode::kInvalidArgument, "invalid cursor");
}

constexpr const char* kDefinitionColumns =
    "id, process_key, def_version, name, deployed_at, deployed_by, deleted_at";

DefinitionRecord DefinitionFromRow(const soci::row& r) {
  DefinitionRecord d;
  d.id = r.get<std::string>(0);
  d.key = r.get<std::string>(1);
  d.version = r.get<int>(2);
  d.name = r.get<std::string>(3);
  d.deployed_at = r.get<long long>(4);
  d.deployed_by = r.get<std::string>(5);
  d.deleted = r.get_indicator(6) != soci::i_null;
  return d;
}

constexpr const char* kInstanceColumns =
    "id, definition_id, definition_key, definition_version, business_key, state, started_at, "
    "started_by, ended_at, variables, runtime, row_version";

Result<InstanceRecord> InstanceFromRow(const soci::row& r) {
  InstanceRecord i;
  i.id = r.get<std::string>(0);
  i.definition_id = r.get<std::string>(1);
  i.definition_key = r.get<std::string>(2);
  i.definition_version = r.get<int>(3);
  i.business_key = OptText(r, 4);
  i.state = r.get<std::string>(5);
  i.started_at = r.get<long long>(6);
  i.started_by = r.get<std::string>(7);
  i.ended_at = OptBig(r, 8);
  i.variables = ParseJson(r.get<std::string>(9));
  if (!i.variables.is_object()) i.variables = json::object();
  if (auto st = engine::TokensFromJson(r.get<std::string>(10), &i); !st) return Fail(st.error());
  i.row_version = r.get<long long>(11);
  return i;
}

constexpr const char* kUserTaskColumns =
    "t.id, t.instance_id, t.definition_key, t.activity_id, t.name, t.assignee, "
    "t.candidate_users, t.candidate_groups, t.created_at, t.priority, t.state, t.ended_at, "
    "t.completed_by";

UserTaskRecord UserTaskFromRow(const soci::row& r) {
  UserTaskRecord t;
  t.id = r.get<std::string>(0);
  t.instance_id = r.get<std::string>(1);
  t.definition_key = r.get<std::string>(2);
  t.activity_id = r.get<std::string>(3);
  t.name = r.get<std::string>(4);
  t.assignee = OptText(r, 5);
  t.candidate_users = ParseNames(r.get<std::string>(6));
  t.candidate_groups = ParseNames(r.get<std::string>(7));
  t.created_at = r.get<long long>(8);
  t.priority = r.get<int>(9);
  t.state = r.get<std::string>(10);
  t.ended_at = OptBig(r, 11);
  t.completed_by = OptText(r, 12);
  return t;
}

constexpr const char* kExternalColumns =
    "id, instance_id, definition_key, activity_id, topic, state, worker_id, lock_expires_at, "
    "retries, error_message, retry_at, created_at, priority";

ExternalTaskRecord ExternalFromRow(const soci::row& r) {
  ExternalTaskRecord t;
  t.id = r.get<std::string>(0);
  t.instance_id = r.get<std::string>(1);
  t.definition_key = r.get<std::string>(2);
  t.activity_id = r.get<std::string>(3);
  t.topic = r.get<std::string>(4);
  t.state = r.get<std::string>(5);
  t.worker_id = OptText(r, 6);
  t.lock_expires_at = OptBig(r, 7);
  t.retries = OptInt(r, 8);
  t.error_message = OptText(r, 9);
  t.retry_at = r.get<long long>(10);
  t.created_at = r.get<long long>(11);
  t.priority = r.get<int>(12);
  return t;
}

class SqlTx final : public engine::EngineTx {
 public:
  // `cache`: this connection's prepared statements (SQLite), or nullptr.
  SqlTx(soci::session& s, Dialect dialect, StatementCache* cache)
      : s_(s), dialect_(dialect), cache_(cache) {}

  // ---- definitions ----

  // The first row of a query on kDefinitionColumns (then `xml` when `with_xml`).
  std::optional<DefinitionRecord> FirstDefinition(Query& q, bool with_xml) {
    std::optional<DefinitionRecord> found;
    q.Each(s_, [&](const soci::row& r) {
      found = DefinitionFromRow(r);
      if (with_xml) found->xml = r.get<std::string>(7);
      return false;
    });
    return found;
  }

  Result<std::optional<DefinitionRecord>> FindDefinition(const std::string& id,
                                                         bool with_xml) override {
    Query q(std::string("SELECT ") + kDefinitionColumns + (with_xml ? ", xml" : "") +
                " FROM engine_definitions WHERE id = ",
            cache_);
    q += q.Text(id);
    return FirstDefinition(q, with_xml);
  }

  Result<std::optional<DefinitionRecord>> LatestDefinition(const std::string& key,
                                                           bool with_xml) override {
    Query q(std::string("SELECT ") + kDefinitionColumns + (with_xml ? ", xml" : "") +
                " FROM engine_definitions WHERE deleted_at IS NULL AND process_key = ",
            cache_);
    q += q.Text(key);
    q += " ORDER BY def_version DESC LIMIT 1";
    return FirstDefinition(q, with_xml);
  }

  Result<int> MaxDefinitionVersion(const std::string& key) override {
    int max = 0;
    soci::indicator ind = soci::i_null;
    s_ << "SELECT MAX(def_version) FROM engine_definitions WHERE process_key = :k",
        soci::use(key, "k"), soci::into(max, ind);
    return ind == soci::i_ok ? max : 0;
  }

  Status InsertDefinition(const DefinitionRecord& d) override {
    // Two deployments of one key at the same moment pick the same version number: the loser
    // inserts nothing (instead of aborting the transaction on PostgreSQL) and is retried.
    soci::statement st =
        (s_.prepare << "INSERT INTO engine_definitions (id, process_key, def_version, name, xml,"
                       " deployed_at, deployed_by) VALUES (:id, :k, :v, :n, :x, :at, :by)"
                       " ON CONFLICT (process_key, def_version) DO NOTHING",
         soci::use(d.id, "id"), soci::use(d.key, "k"), soci::use(d.version, "v"),
         soci::use(d.name, "n"), soci::use(d.xml, "x"), soci::use(d.deployed_at, "at"),
         soci::use(d.deployed_by, "by"));
    st.execute(true);
    if (st.get_affected_rows() != 1) {
      return Fail(ErrorCode::kConflict, "definition version taken", engine::kVersionConflict);
    }
    return {};
  }

  Status MarkDefinitionDeleted(const std::string& id, long long at) override {
    s_ << "UPDATE engine_definitions SET deleted_at = :at WHERE id = :id", soci::use(at, "at"),
        soci::use(id, "id");
    return {};
  }

  Result<Page<DefinitionRecord>> ListDefinitions(const engine::DefinitionFilter& filter,
                                                 const PageRequest& page) override {
    Query q(std::string("SELECT ") + kDefinitionColumns +
            " FROM engine_definitions d WHERE deleted_at IS NULL");
    if (filter.key) q += " AND process_key = " + q.Text(*filter.key);
    if (!filter.all_versions) {
      q += " AND def_version = (SELECT MAX(d2.def_version) FROM engine_definitions d2"
           " WHERE d2.process_key = d.process_key AND d2.deleted_at IS NULL)";
    }
    if (!page.cursor.empty()) {
      auto after = engine::DecodeCursor(page.cursor, 2);
      if (!after) return Fail(after.error());
      auto version = ParseNumber((*after)[1]);
      if (!version) return Fail(version.error());
      std::string k1 = q.Text((*after)[0]), k2 = q.Text((*after)[0]);
      q += " AND (process_key > " + k1 + " OR (process_key = " + k2 + " AND def_version > " +
           q.Number(*version) + "))";
    }
    q += " ORDER BY process_key, def_version LIMIT " + std::to_string(page.limit + 1);
    std::vector<DefinitionRecord> items;
    for (const soci::row& r : q.Rows(s_)) items.push_back(DefinitionFromRow(r));
    return Cut(std::move(items), page.limit, [](const DefinitionRecord& d) {
      return std::vector<std::string>{d.key, std::to_string(d.version)};
    });
  }

  // ---- instances ----

  Result<std::optional<InstanceRecord>> FindInstance(const std::string& id) override {
    Query q(std::string("SELECT ") + kInstanceColumns + " FROM engine_instances WHERE id = ",
            cache_);
    q += q.Text(id);
    Result<std::optional<InstanceRecord>> found = std::optional<InstanceRecord>();
    q.Each(s_, [&](const soci::row& r) {
      auto i = InstanceFromRow(r);
      if (!i) {
        found = Fail(i.error());
      } else {
        found = std::optional<InstanceRecord>(std::move(*i));
      }
      return false;
    });
    return found;
  }

  Status InsertInstance(const InstanceRecord& i) override {
    Query q(
        "INSERT INTO engine_instances (id, definition_id, definition_key, definition_version, "
        "business_key, state, started_at, started_by, ended_at, variables, runtime, row_version) "
        "VALUES (",
        cache_);
    q += q.Text(i.id) + ", " + q.Text(i.definition_id) + ", " + q.Text(i.definition_key) + ", " +
         q.Number(i.definition_version) + ", " + q.OptText(i.business_key) + ", " +
         q.Text(i.state) + ", " + q.Number(i.started_at) + ", " + q.Text(i.started_by) + ", " +
         q.OptNumber(i.ended_at) + ", " + q.Text(Dump(i.variables)) + ", " +
         q.Text(Dump(engine::TokensToJson(i))) + ", " + q.Number(i.row_version) + ")";
    q.Execute(s_);
    return {};
  }

  Status UpdateInstance(InstanceRecord& i) override {
    const long long next = i.row_version + 1;
    Query q("UPDATE engine_instances SET state = ", cache_);
    q += q.Text(i.state) + ", ended_at = " + q.OptNumber(i.ended_at) +
         ", variables = " + q.Text(Dump(i.variables)) +
         ", runtime = " + q.Text(Dump(engine::TokensToJson(i))) +
         ", row_version = " + q.Number(next) + " WHERE id = " + q.Text(i.id) +
         " AND row_version = " + q.Number(i.row_version);
    if (q.Execute(s_) != 1) {
      return Fail(ErrorCode::kConflict, "the process instance was changed concurrently",
                  engine::kVersionConflict);
    }
    i.row_version = next;
    return {};
  }

  Result<Page<InstanceRecord>> ListInstances(const engine::InstanceFilter& f,
                                             const PageRequest& page) override {
    Query q(std::string("SELECT ") + kInstanceColumns + " FROM engine_instances WHERE 1 = 1");
    if (f.definition_key) q += " AND definition_key = " + q.Text(*f.definition_key);
    if (f.state) q += " AND state = " + q.Text(*f.state);
    if (f.business_key) q += " AND business_key = " + q.Text(*f.business_key);
    if (auto st = AfterTimeAndId(q, page.cursor, "started_at", "id"); !st) return Fail(st.error());
    q += " ORDER BY started_at, id LIMIT " + std::to_string(page.limit + 1);
    std::vector<InstanceRecord> items;
    for (const soci::row& r : q.Rows(s_)) {
      auto i = InstanceFromRow(r);
      if (!i) return Fail(i.error());
      items.push_back(std::move(*i));
    }
    return Cut(std::move(items), page.limit, [](const InstanceRecord& i) {
      return std::vector<std::string>{std::to_string(i.started_at), i.id};
    });
  }

  Result<std::vector<std::string>> UnendedInstanceIds(const std::string& definition_id) override {
    Query q("SELECT id FROM engine_instances WHERE definition_id = ");
    q += q.Text(definition_id);
    q += " AND state IN ('active', 'failed') ORDER BY started_at, id";
    std::vector<std::string> out;
    for (const soci::row& r : q.Rows(s_)) out.push_back(r.get<std::string>(0));
    return out;
  }

  // ---- user tasks ----

  Result<std::optional<UserTaskRecord>> FindUserTask(const std::string& id) override {
    Query q(std::string("SELECT ") + kUserTaskColumns + " FROM engine_user_tasks t WHERE t.id = ",
            cache_);
    q += q.Text(id);
    std::optional<UserTaskRecord> found;
    q.Each(s_, [&](const soci::row& r) {
      found = UserTaskFromRow(r);
      return false;
    });
    return found;
  }

  Status InsertUserTask(const UserTaskRecord& t) override {
    Query q(
        "INSERT INTO engine_user_tasks (id, instance_id, definition_key, activity_id, name, "
        "assignee, candidate_users, candidate_groups, created_at, priority, state, ended_at) "
        "VALUES (",
        cache_);
    q += q.Text(t.id) + ", " + q.Text(t.instance_id) + ", " + q.Text(t.definition_key) + ", " +
         q.Text(t.activity_id) + ", " + q.Text(t.name) + ", " + q.OptText(t.assignee) + ", " +
         q.Text(Dump(t.candidate_users)) + ", " + q.Text(Dump(t.candidate_groups)) + ", " +
         q.Number(t.created_at) + ", " + q.Number(t.priority) + ", " + q.Text(t.state) + ", " +
         q.OptNumber(t.ended_at) + ")";
    q.Execute(s_);
    for (auto [kind, names] :
         {std::pair{"user", &t.candidate_users}, std::pair{"group", &t.candidate_groups}}) {
      for (const std::string& name : *names) {
        Query c("INSERT INTO engine_task_candidates (task_id, kind, name) VALUES (", cache_);
        c += c.Text(t.id) + ", " + c.Text(kind) + ", " + c.Text(name) + ")";
        c.Execute(s_);
      }
    }
    return {};
  }

  Result<bool> CloseUserTask(const std::string& id, const std::string& state, long long at,
                             const std::optional<std::string>& actor) override {
    Query q("UPDATE engine_user_tasks SET state = ", cache_);
    q += q.Text(state) + ", ended_at = " + q.Number(at);
    if (actor) q += ", completed_by = " + q.Text(*actor);
    q += " WHERE id = " + q.Text(id) + " AND state = 'open'";
    return q.Execute(s_) == 1;
  }

  Result<bool> SetAssignee(const std::string& id, const std::optional<std::string>& user,
                           bool only_if_free) override {
    Query q("UPDATE engine_user_tasks SET assignee = ");
    q += user ? q.Text(*user) : std::string("NULL");
    q += " WHERE id = " + q.Text(id) + " AND state = 'open'";
    if (only_if_free && user) {
      q += " AND (assignee IS NULL OR assignee = " + q.Text(*user) + ")";
    }
    return q.Execute(s_) == 1;
  }

  // "Some candidate row of task t is the user or one of the groups."
  static std::string CandidateMatch(Query& q, const std::string& user,
                                    const std::vector<std::string>& groups) {
    std::string sql =
        "EXISTS (SELECT 1 FROM engine_task_candidates c WHERE c.task_id = t.id AND "
        "((c.kind = 'user' AND c.name = " +
        q.Text(user) + ")";
    if (!groups.empty()) {
      sql += " OR (c.kind = 'group' AND c.name IN (";
      for (std::size_t i = 0; i < groups.size(); ++i) sql += (i ? ", " : "") + q.Text(groups[i]);
      sql += "))";
    }
    return sql + "))";
  }

  Result<Page<UserTaskRecord>> ListUserTasks(const engine::TaskQuery& f,
                                             const PageRequest& page) override {
    Query q(std::string("SELECT ") + kUserTaskColumns +
                " FROM engine_user_tasks t WHERE t.state = 'open'",
            cache_);
    if (f.instance_id) q += " AND t.instance_id = " + q.Text(*f.instance_id);
    if (f.assignee) q += " AND t.assignee = " + q.Text(*f.assignee);
    if (f.definition_key) q += " AND t.definition_key = " + q.Text(*f.definition_key);
    if (f.candidate_group) {
      q += " AND EXISTS (SELECT 1 FROM engine_task_candidates c WHERE c.task_id = t.id AND "
           "c.kind = 'group' AND c.name = " +
           q.Text(*f.candidate_group) + ")";
    }
    if (f.candidate_user) {
      q += " AND " + CandidateMatch(q, *f.candidate_user, f.candidate_user_groups);
    }
    if (f.visible_to) {
      std::string assignee = q.Text(f.visible_to->user);
      q += " AND (t.assignee = " + assignee + " OR " +
           CandidateMatch(q, f.visible_to->user, f.visible_to->groups) + ")";
    }
    if (auto st = AfterTimeAndId(q, page.cursor, "t.created_at", "t.id"); !st) {
      return Fail(st.error());
    }
    q += " ORDER BY t.created_at, t.id LIMIT " + std::to_string(page.limit + 1);
    std::vector<UserTaskRecord> items;
    q.Each(s_, [&](const soci::row& r) {
      items.push_back(UserTaskFromRow(r));
      return true;
    });
    return Cut(std::move(items), page.limit, [](const UserTaskRecord& t) {
      return std::vector<std::string>{std::to_string(t.created_at), t.id};
    });
  }

  // ---- external tasks ----

  Result<std::optional<ExternalTaskRecord>> FindExternalTask(const std::string& id) override {
    Query q(std::string("SELECT ") + kExternalColumns + " FROM engine_external_tasks WHERE id = ");
    q += q.Text(id);
    for (const soci::row& r : q.Rows(s_)) {
      return std::optional<ExternalTaskRecord>(ExternalFromRow(r));
    }
    return std::optional<ExternalTaskRecord>();
  }

  Status InsertExternalTask(const ExternalTaskRecord& t) override {
    s_ << "INSERT INTO engine_external_tasks (id, instance_id, definition_key, activity_id, topic,"
          " state, retry_at, created_at, priority) VALUES (:id, :iid, :dk, :aid, :tp, :st, :ra,"
          " :ca, :p)",
        soci::use(t.id, "id"), soci::use(t.instance_id, "iid"), soci::use(t.definition_key, "dk"),
        soci::use(t.activity_id, "aid"), soci::use(t.topic, "tp"), soci::use(t.state, "st"),
        soci::use(t.retry_at, "ra"), soci::use(t.created_at, "ca"), soci::use(t.priority, "p");
    return {};
  }

  Result<bool> CloseExternalTask(const std::string& id, const std::string& state) override {
    Query q("UPDATE engine_external_tasks SET state = ");
    q += q.Text(state) + ", worker_id = NULL, lock_expires_at = NULL WHERE id = " + q.Text(id) +
         " AND state = 'open'";
    return q.Execute(s_) == 1;
  }

  // The condition under which a task may be locked at `now`.
  static std::string FetchableAt(Query& q, long long now) {
    return "state = 'open' AND (retries IS NULL OR retries > 0) AND retry_at <= " + q.Number(now) +
           " AND (worker_id IS NULL OR lock_expires_at <= " + q.Number(now) + ")";
  }

  Result<std::vector<std::string>> FetchableExternalTasks(const std::string& topic, long long now,
                                                          int limit) override {
    Query q("SELECT id FROM engine_external_tasks WHERE topic = ");
    q += q.Text(topic) + " AND " + FetchableAt(q, now);
    q += " ORDER BY created_at, id LIMIT " + std::to_string(limit);
    // On PostgreSQL, skip rows another fetch is about to lock instead of queueing behind it.
    if (dialect_ == Dialect::kPostgres) q += " FOR UPDATE SKIP LOCKED";
    std::vector<std::string> out;
    for (const soci::row& r : q.Rows(s_)) out.push_back(r.get<std::string>(0));
    return out;
  }

  Result<bool> LockExternalTask(const std::string& id, const std::string& worker,
                                long long expires_at, long long now) override {
    // Conditional: re-checks that the lock is still free, so that of two concurrent callers
    // only one changes the row.
    Query q("UPDATE engine_external_tasks SET worker_id = ");
    q += q.Text(worker) + ", lock_expires_at = " + q.Number(expires_at) +
         " WHERE id = " + q.Text(id) + " AND " + FetchableAt(q, now);
    return q.Execute(s_) == 1;
  }

  Result<bool> FailExternalTask(const std::string& id, const std::string& worker, int retries,
                                const std::string& message, long long retry_at) override {
    Query q("UPDATE engine_external_tasks SET retries = ");
    q += q.Number(retries) + ", error_message = " + q.Text(message) +
         ", retry_at = " + q.Number(retry_at) +
         ", worker_id = NULL, lock_expires_at = NULL WHERE id = " + q.Text(id) +
         " AND state = 'open' AND worker_id = " + q.Text(worker);
    return q.Execute(s_) == 1;
  }

  // ---- incidents and history ----

  Status InsertIncident(const IncidentRecord& i) override {
    s_ << "INSERT INTO engine_incidents (id, instance_id, activity_id, message, created_at) "
          "VALUES (:id, :iid, :aid, :m, :ca)",
        soci::use(i.id, "id"), soci::use(i.instance_id, "iid"), soci::use(i.activity_id, "aid"),
        soci::use(i.message, "m"), soci::use(i.created_at, "ca");
    return {};
  }

  Result<std::vector<IncidentRecord>> ListIncidents(const std::string& instance_id) override {
    Query q(
        "SELECT id, instance_id, activity_id, message, created_at FROM engine_incidents "
        "WHERE instance_id = ");
    q += q.Text(instance_id) + " ORDER BY created_at, id";
    std::vector<IncidentRecord> out;
    for (const soci::row& r : q.Rows(s_)) {
      out.push_back(IncidentRecord{r.get<std::string>(0), r.get<std::string>(1),
                                   r.get<std::string>(2), r.get<std::string>(3),
                                   r.get<long long>(4)});
    }
    return out;
  }

  Status InsertHistory(const HistoryRecord& h) override {
    Query q(
        "INSERT INTO engine_history (id, instance_id, seq, activity_id, activity_type, "
        "started_at, ended_at, actor) VALUES (",
        cache_);
    q += q.Text(h.id) + ", " + q.Text(h.instance_id) + ", " + q.Number(h.seq) + ", " +
         q.Text(h.activity_id) + ", " + q.Text(h.activity_type) + ", " + q.Number(h.started_at) +
         ", " + q.OptNumber(h.ended_at) + ", " + q.OptText(h.actor) + ")";
    q.Execute(s_);
    return {};
  }

  Status CloseHistory(const std::string& id, long long ended_at,
                      const std::optional<std::string>& actor) override {
    Query q("UPDATE engine_history SET ended_at = ", cache_);
    q += q.Number(ended_at);
    if (actor) q += ", actor = " + q.Text(*actor);
    q += " WHERE id = " + q.Text(id);
    q.Execute(s_);
    return {};
  }

  Result<Page<HistoryRecord>> ListHistory(const std::string& instance_id,
                                          const PageRequest& page) override {
    Query q(
        "SELECT id, instance_id, seq, activity_id, activity_type, started_at, ended_at, actor"
        " FROM engine_history WHERE instance_id = ");
    q += q.Text(instance_id);
    if (!page.cursor.empty()) {
      auto after = engine::DecodeCursor(page.cursor, 1);
      if (!after) return Fail(after.error());
      auto seq = ParseNumber((*after)[0]);
      if (!seq) return Fail(seq.error());
      q += " AND seq > " + q.Number(*seq);
    }
    q += " ORDER BY seq LIMIT " + std::to_string(page.limit + 1);
    std::vector<HistoryRecord> items;
    for (const soci::row& r : q.Rows(s_)) {
      HistoryRecord h;
      h.id = r.get<std::string>(0);
      h.instance_id = r.get<std::string>(1);
      h.seq = r.get<long long>(2);
      h.activity_id = r.get<std::string>(3);
      h.activity_type = r.get<std::string>(4);
      h.started_at = r.get<long long>(5);
      h.ended_at = OptBig(r, 6);
      h.actor = OptText(r, 7);
      items.push_back(std::move(h));
    }
    return Cut(std::move(items), page.limit, [](const HistoryRecord& h) {
      return std::vector<std::string>{std::to_string(h.seq)};
    });
  }

 private:
  // Keyset condition "(time, id) > cursor".
  static Status AfterTimeAndId(Query& q, const std::string& cursor, const char* time_column,
                               const char* id_column) {
    if (cursor.empty()) return {};
    auto after = engine::DecodeCursor(cursor, 2);
    if (!after) return Fail(after.error());
    auto at = ParseNumber((*after)[0]);
    if (!at) return Fail(at.error());
    std::string t1 = q.Number(*at), t2 = q.Number(*at), id = q.Text((*after)[1]);
    q += std::string(" AND (") + time_column + " > " + t1 + " OR (" + time_column + " = " + t2 +
         " AND " + id_column + " > " + id + "))";
    return {};
  }

  soci::session& s_;
  Dialect dialect_;
  StatementCache* cache_;
};

}  // namespace

namespace {
// PostgreSQL: asynchronous writes in flight at once (each holds a pooled session while it
// runs, so more than the default pool of 8 would only queue there), and how many may wait.
constexpr std::size_t kPgWriteThreads = 8;
constexpr std::size_t kPgWriteQueue = 10'000;
}  // namespace

EngineSqlRepository::EngineSqlRepository(Database& db) : db_(db) {
  if (db_.dialect() == Dialect::kSqlite) {
    committer_ = std::make_unique<GroupCommitter>(db_);
  } else {
    writers_ = std::make_unique<WorkerPool>(kPgWriteThreads, kPgWriteQueue);
  }
}

EngineSqlRepository::~EngineSqlRepository() {
  // Both run what is queued (every caller is answered), which still needs the caches.
  committer_.reset();
  if (writers_) writers_->Shutdown();
}

StatementCache* EngineSqlRepository::CacheFor(soci::session& s) {
  if (db_.dialect() != Dialect::kSqlite) return nullptr;
  std::lock_guard lock(caches_mu_);
  std::unique_ptr<StatementCache>& cache = caches_[&s];
  if (!cache) cache = std::make_unique<StatementCache>();
  return cache.get();
}

Status EngineSqlRepository::Write(const std::function<Status(engine::EngineTx&)>& fn) {
  auto job = [&](soci::session& s) -> Status {
    SqlTx tx(s, db_.dialect(), CacheFor(s));
    return fn(tx);
  };
  if (committer_) return committer_->Run(job);
  return db_.Write<void>(job);
}

void EngineSqlRepository::WriteAsync(std::function<Status(engine::EngineTx&)> fn,
                                     std::function<void(Status)> done) {
  if (!committer_) {
    auto task = [this, fn, done]() { done(Write(fn)); };
    if (!writers_->TrySubmit(task)) {
      done(Fail(ErrorCode::kUnavailable, "too many engine calls waiting; retry"));
    }
    return;
  }
  committer_->Submit(
      [this, fn = std::move(fn)](soci::session& s) -> Status {
        SqlTx tx(s, db_.dialect(), CacheFor(s));
        return fn(tx);
      },
      std::move(done));
}

Status EngineSqlRepository::Read(const std::function<Status(engine::EngineTx&)>& fn) {
  return db_.Read<void>([&](soci::session& s) -> Status {
    SqlTx tx(s, db_.dialect(), CacheFor(s));
    return fn(tx);
  });
}

}  // namespace ordo::store
