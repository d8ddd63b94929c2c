#include "auth/live_access_table.h"

#include <mutex>

namespace ordo::auth {
namespace {

bool Same(const LiveAccess& a, const LiveAccess& b) {
  return a.id == b.id && a.name == b.name && a.right == b.right && a.scopes == b.scopes &&
         a.enabled == b.enabled && a.expires_at == b.expires_at && a.generation == b.generation &&
         a.secret_hash == b.secret_hash && a.previous_secret_hash == b.previous_secret_hash &&
         a.previous_valid_until == b.previous_valid_until;
}

}  // namespace

LiveAccessTable::Ptr LiveAccessTable::Find(std::string_view access_key) const {
  std::shared_lock lock(mu_);
  auto it = by_key_.find(access_key);
  return it == by_key_.end() ? nullptr : it->second;
}

void LiveAccessTable::Upsert(LiveAccess access) {
  auto ptr = std::make_shared<const LiveAccess>(std::move(access));
  std::unique_lock lock(mu_);
  by_key_[ptr->access_key] = std::move(ptr);
}

void LiveAccessTable::Remove(std::string_view access_key) {
  std::unique_lock lock(mu_);
  auto it = by_key_.find(access_key);
  if (it != by_key_.end()) by_key_.erase(it);
}

std::vector<std::string> LiveAccessTable::ReplaceAll(std::vector<LiveAccess> accesses) {
  std::map<std::string, Ptr, std::less<>> fresh;
  for (auto& a : accesses) {
    std::string key = a.access_key;
    fresh.emplace(std::move(key), std::make_shared<const LiveAccess>(std::move(a)));
  }
  std::vector<std::string> changed;
  std::unique_lock lock(mu_);
  for (const auto& [key, old] : by_key_) {
    auto it = fresh.find(key);
    if (it == fresh.end() || !Same(*old, *it->second)) changed.push_back(key);
  }
  by_key_.swap(fresh);
  return changed;
}

std::size_t LiveAccessTable::size() const {
  std::shared_lock lock(mu_);
  return by_key_.size();
}

}  // namespace ordo::auth
