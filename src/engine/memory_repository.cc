#include "engine/memory_repository.h"

#include <algorithm>
#include <tuple>

namespace ordo::engine {

namespace {

bool Contains(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

// Sorts `items` by `key`, drops those at or before the cursor, and cuts a page.
template <typename T, typename KeyFn>
Result<Page<T>> Paginate(std::vector<T> items, const PageRequest& page, std::size_t key_parts,
                         KeyFn key) {
  std::sort(items.begin(), items.end(), [&](const T& a, const T& b) { return key(a) < key(b); });
  if (!page.cursor.empty()) {
    auto after = DecodeCursor(page.cursor, key_parts);
    if (!after) return Fail(after.error());
    std::erase_if(items, [&](const T& t) { return !(key(t) > *after); });
  }
  Page<T> out;
  std::size_t limit = static_cast<std::size_t>(page.limit);
  if (items.size() > limit) {
    items.resize(limit);
    out.next_cursor = EncodeCursor(key(items.back()));
  }
  out.items = std::move(items);
  return out;
}

// Sort keys as strings that order like the SQL ORDER BY (numbers zero-padded).
std::string Num(long long v) {
  std::string s = std::to_string(v);
  return std::string(20 - std::min<std::size_t>(20, s.size()), '0') + s;
}

class MemoryTx final : public EngineTx {
 public:
  explicit MemoryTx(MemoryRepository::State& s) : s_(s) {}

  Result<std::optional<DefinitionRecord>> FindDefinition(const std::string& id,
                                                         bool with_xml) override {
    auto it = s_.definitions.find(id);
    if (it == s_.definitions.end()) return std::optional<DefinitionRecord>();
    DefinitionRecord d = it->second;
    if (!with_xml) d.xml.clear();
    return std::optional<DefinitionRecord>(std::move(d));
  }
  Result<std::optional<DefinitionRecord>> LatestDefinition(const std::string& key,
                                                           bool with_xml) override {
    std::optional<DefinitionRecord> best;
    for (auto& [id, d] : s_.definitions) {
      if (d.key == key && !d.deleted && (!best || d.version > best->version)) best = d;
    }
    if (best && !with_xml) best->xml.clear();
    return best;
  }
  Result<int> MaxDefinitionVersion(const std::string& key) override {
    int max = 0;
    for (auto& [id, d] : s_.definitions) {
      if (d.key == key) max = std::max(max, d.version);
    }
    return max;
  }
  Status InsertDefinition(const DefinitionRecord& d) override {
    for (auto& [id, other] : s_.definitions) {
      if (other.key == d.key && other.version == d.version) {
        return Fail(ErrorCode::kConflict, "definition version taken", kVersionConflict);
      }
    }
    s_.definitions[d.id] = d;
    return {};
  }
  Status MarkDefinitionDeleted(const std::string& id, long long) override {
    s_.definitions.at(id).deleted = true;
    return {};
  }
  Result<Page<DefinitionRecord>> ListDefinitions(const DefinitionFilter& filter,
                                                 const PageRequest& page) override {
    std::vector<DefinitionRecord> items;
    for (auto& [id, d] : s_.definitions) {
      if (d.deleted || (filter.key && d.key != *filter.key)) continue;
      if (!filter.all_versions) {
        auto latest = LatestDefinition(d.key, false);
        if ((*latest)->id != d.id) continue;
      }
      DefinitionRecord copy = d;
      copy.xml.clear();
      items.push_back(std::move(copy));
    }
    return Paginate(std::move(items), page, 2, [](const DefinitionRecord& d) {
      return std::vector<std::string>{d.key, Num(d.version)};
    });
  }

  Result<std::optional<InstanceRecord>> FindInstance(const std::string& id) override {
    auto it = s_.instances.find(id);
    if (it == s_.instances.end()) return std::optional<InstanceRecord>();
    return std::optional<InstanceRecord>(it->second);
  }
  Status InsertInstance(const InstanceRecord& r) override {
    s_.instances[r.id] = r;
    return {};
  }
  Status UpdateInstance(InstanceRecord& r) override {
    auto it = s_.instances.find(r.id);
    if (it == s_.instances.end() || it->second.row_version != r.row_version) {
      return Fail(ErrorCode::kConflict, "instance changed", kVersionConflict);
    }
    ++r.row_version;
    it->second = r;
    return {};
  }
  Result<Page<InstanceRecord>> ListInstances(const InstanceFilter& f,
                                             const PageRequest& page) override {
    std::vector<InstanceRecord> items;
    for (auto& [id, r] : s_.instances) {
      if (f.definition_key && r.definition_key != *f.definition_key) continue;
      if (f.state && r.state != *f.state) continue;
      if (f.business_key && r.business_key != f.business_key) continue;
      items.push_back(r);
    }
    return Paginate(std::move(items), page, 2, [](const InstanceRecord& r) {
      return std::vector<std::string>{Num(r.started_at), r.id};
    });
  }
  Result<std::vector<std::string>> UnendedInstanceIds(const std::string& definition_id) override {
    std::vector<std::string> out;
    for (auto& [id, r] : s_.instances) {
      if (r.definition_id == definition_id && !r.Ended()) out.push_back(id);
    }
    return out;
  }

  Result<std::optional<UserTaskRecord>> FindUserTask(const std::string& id) override {
    auto it = s_.user_tasks.find(id);
    if (it == s_.user_tasks.end()) return std::optional<UserTaskRecord>();
    return std::optional<UserTaskRecord>(it->second);
  }
  Status InsertUserTask(const UserTaskRecord& t) override {
    s_.user_tasks[t.id] = t;
    return {};
  }
  Result<bool> CloseUserTask(const std::string& id, const std::string& state, long long at,
                             const std::optional<std::string>& actor) override {
    auto it = s_.user_tasks.find(id);
    if (it == s_.user_tasks.end() || it->second.state != kTaskOpen) return false;
    it->second.state = state;
    it->second.ended_at = at;
    it->second.completed_by = actor;
    return true;
  }
  Result<bool> SetAssignee(const std::string& id, const std::optional<std::string>& user,
                           bool only_if_free) override {
    auto it = s_.user_tasks.find(id);
    if (it == s_.user_tasks.end() || it->second.state != kTaskOpen) return false;
    if (only_if_free && it->second.assignee && it->second.assignee != user) return false;
    it->second.assignee = user;
    return true;
  }
  Result<Page<UserTaskRecord>> ListUserTasks(const TaskQuery& q, const PageRequest& page) override {
    std::vector<UserTaskRecord> items;
    for (auto& [id, t] : s_.user_tasks) {
      if (t.state != kTaskOpen) continue;
      if (q.instance_id && t.instance_id != *q.instance_id) continue;
      if (q.assignee && t.assignee != q.assignee) continue;
      if (q.definition_key && t.definition_key != *q.definition_key) continue;
      if (q.candidate_group && !Contains(t.candidate_groups, *q.candidate_group)) continue;
      if (q.candidate_user) {
        bool match = Contains(t.candidate_users, *q.candidate_user);
        for (const std::string& g : q.candidate_user_groups) {
          match = match || Contains(t.candidate_groups, g);
        }
        if (!match) continue;
      }
      if (q.visible_to && !IsVisible(t, *q.visible_to)) continue;
      items.push_back(t);
    }
    return Paginate(std::move(items), page, 2, [](const UserTaskRecord& t) {
      return std::vector<std::string>{Num(t.created_at), t.id};
    });
  }

  Result<std::optional<ExternalTaskRecord>> FindExternalTask(const std::string& id) override {
    auto it = s_.external_tasks.find(id);
    if (it == s_.external_tasks.end()) return std::optional<ExternalTaskRecord>();
    return std::optional<ExternalTaskRecord>(it->second);
  }
  Status InsertExternalTask(const ExternalTaskRecord& t) override {
    s_.external_tasks[t.id] = t;
    return {};
  }
  Result<bool> CloseExternalTask(const std::string& id, const std::string& state) override {
    auto it = s_.external_tasks.find(id);
    if (it == s_.external_tasks.end() || it->second.state != kTaskOpen) return false;
    it->second.state = state;
    return true;
  }
  static bool Fetchable(const ExternalTaskRecord& t, long long now) {
    return t.state == kTaskOpen && (!t.retries || *t.retries > 0) && t.retry_at <= now &&
           (!t.worker_id || t.lock_expires_at.value_or(0) <= now);
  }
  Result<std::vector<std::string>> FetchableExternalTasks(const std::string& topic, long long now,
                                                          int limit) override {
    std::vector<const ExternalTaskRecord*> found;
    for (auto& [id, t] : s_.external_tasks) {
      if (t.topic == topic && Fetchable(t, now)) found.push_back(&t);
    }
    std::sort(found.begin(), found.end(), [](auto* a, auto* b) {
      return std::tie(a->created_at, a->id) < std::tie(b->created_at, b->id);
    });
    std::vector<std::string> out;
    for (auto* t : found) {
      if (static_cast<int>(out.size()) >= limit) break;
      out.push_back(t->id);
    }
    return out;
  }
  Result<bool> LockExternalTask(const std::string& id, const std::string& worker,
                                long long expires_at, long long now) override {
    auto it = s_.external_tasks.find(id);
    if (it == s_.external_tasks.end() || !Fetchable(it->second, now)) return false;
    it->second.worker_id = worker;
    it->second.lock_expires_at = expires_at;
    return true;
  }
  Result<bool> FailExternalTask(const std::string& id, const std::string& worker, int retries,
                                const std::string& message, long long retry_at) override {
    auto it = s_.external_tasks.find(id);
    if (it == s_.external_tasks.end() || it->second.state != kTaskOpen ||
        it->second.worker_id != worker) {
      return false;
    }
    it->second.retries = retries;
    it->second.error_message = message;
    it->second.retry_at = retry_at;
    it->second.worker_id.reset();
    it->second.lock_expires_at.reset();
    return true;
  }

  Status InsertIncident(const IncidentRecord& i) override {
    s_.incidents.push_back(i);
    return {};
  }
  Result<std::vector<IncidentRecord>> ListIncidents(const std::string& instance_id) override {
    std::vector<IncidentRecord> out;
    for (const IncidentRecord& i : s_.incidents) {
      if (i.instance_id == instance_id) out.push_back(i);
    }
    return out;
  }
  Status InsertHistory(const HistoryRecord& h) override {
    s_.history[h.id] = h;
    return {};
  }
  Status CloseHistory(const std::string& id, long long ended_at,
                      const std::optional<std::string>& actor) override {
    auto it = s_.history.find(id);
    if (it == s_.history.end()) return Fail(ErrorCode::kInternal, "no such history entry");
    it->second.ended_at = ended_at;
    it->second.actor = actor;
    return {};
  }
  Result<Page<HistoryRecord>> ListHistory(const std::string& instance_id,
                                          const PageRequest& page) override {
    std::vector<HistoryRecord> items;
    for (auto& [id, h] : s_.history) {
      if (h.instance_id == instance_id) items.push_back(h);
    }
    return Paginate(std::move(items), page, 1,
                    [](const HistoryRecord& h) { return std::vector<std::string>{Num(h.seq)}; });
  }

 private:
  MemoryRepository::State& s_;
};

}  // namespace

Status MemoryRepository::Write(const std::function<Status(EngineTx&)>& fn) {
  std::lock_guard lock(mutex_);
  State saved = state_;
  MemoryTx tx(state_);
  Status st = fn(tx);
  if (!st) state_ = std::move(saved);
  return st;
}

Status MemoryRepository::Read(const std::function<Status(EngineTx&)>& fn) {
  std::lock_guard lock(mutex_);
  State copy = state_;  // reads cannot change anything
  MemoryTx tx(copy);
  return fn(tx);
}

}  // namespace ordo::engine
