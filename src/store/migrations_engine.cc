// Schema of the process engine (versions 300–399). Portable SQL: the same statements run on
// SQLite and PostgreSQL (see store/database.h for the conventions).
#include "store/migrations.h"

namespace ordo::store {

std::vector<Migration> EngineMigrations() {
  return {
      {300,
       "process engine",
       {
           // The XML is kept exactly as deployed; deleted definitions stay (soft delete) so
           // that their instances' history keeps its definition and version numbers go on.
           "CREATE TABLE engine_definitions ("
           " id TEXT PRIMARY KEY,"
           " process_key TEXT NOT NULL,"
           " def_version INTEGER NOT NULL,"
           " name TEXT NOT NULL,"
           " xml TEXT NOT NULL,"
           " deployed_at BIGINT NOT NULL,"
           " deployed_by TEXT NOT NULL,"
           " deleted_at BIGINT,"
           " UNIQUE (process_key, def_version))",
           // `runtime` holds the tokens as JSON; `row_version` is the optimistic-concurrency
           // counter every update checks and bumps.
           "CREATE TABLE engine_instances ("
           " id TEXT PRIMARY KEY,"
           " definition_id TEXT NOT NULL,"
           " definition_key TEXT NOT NULL,"
           " definition_version INTEGER NOT NULL,"
           " business_key TEXT,"
           " state TEXT NOT NULL,"
           " started_at BIGINT NOT NULL,"
           " started_by TEXT NOT NULL,"
           " ended_at BIGINT,"
           " variables TEXT NOT NULL,"
           " runtime TEXT NOT NULL,"
           " row_version BIGINT NOT NULL)",
           "CREATE INDEX engine_instances_by_start ON engine_instances (started_at, id)",
           "CREATE INDEX engine_instances_by_definition ON engine_instances (definition_id, state)",
           "CREATE INDEX engine_instances_by_business_key ON engine_instances (business_key)",
           "CREATE TABLE engine_user_tasks ("
           " id TEXT PRIMARY KEY,"
           " instance_id TEXT NOT NULL,"
           " definition_key TEXT NOT NULL,"
           " activity_id TEXT NOT NULL,"
           " name TEXT NOT NULL,"
           " assignee TEXT,"
           " candidate_users TEXT NOT NULL,"
           " candidate_groups TEXT NOT NULL,"
           " created_at BIGINT NOT NULL,"
           " priority INTEGER NOT NULL,"
           " state TEXT NOT NULL,"
           " ended_at BIGINT,"
           " completed_by TEXT)",
           "CREATE INDEX engine_user_tasks_open ON engine_user_tasks (state, created_at, id)",
           "CREATE INDEX engine_user_tasks_by_instance ON engine_user_tasks (instance_id)",
           // Candidates as rows, so that "candidate user directly or through a group" is a
           // portable EXISTS instead of JSON functions that differ between the databases.
           "CREATE TABLE engine_task_candidates ("
           " task_id TEXT NOT NULL,"
           " kind TEXT NOT NULL,"
           " name TEXT NOT NULL,"
           " PRIMARY KEY (task_id, kind, name))",
           "CREATE INDEX engine_task_candidates_by_name ON engine_task_candidates (kind, name)",
           "CREATE TABLE engine_external_tasks ("
           " id TEXT PRIMARY KEY,"
           " instance_id TEXT NOT NULL,"
           " definition_key TEXT NOT NULL,"
           " activity_id TEXT NOT NULL,"
           " topic TEXT NOT NULL,"
           " state TEXT NOT NULL,"
           " worker_id TEXT,"
           " lock_expires_at BIGINT,"
           " retries INTEGER,"
           " error_message TEXT,"
           " retry_at BIGINT NOT NULL,"
           " created_at BIGINT NOT NULL,"
           " priority INTEGER NOT NULL)",
           // One statement on two lines, not a missing comma:
           // NOLINTNEXTLINE(bugprone-suspicious-missing-comma)
           "CREATE INDEX engine_external_tasks_fetch ON engine_external_tasks "
           "(topic, state, created_at, id)",
           "CREATE TABLE engine_incidents ("
           " id TEXT PRIMARY KEY,"
           " instance_id TEXT NOT NULL,"
           " activity_id TEXT NOT NULL,"
           " message TEXT NOT NULL,"
           " created_at BIGINT NOT NULL)",
           "CREATE INDEX engine_incidents_by_instance ON engine_incidents (instance_id, "
           "created_at)",
           "CREATE TABLE engine_history ("
           " id TEXT PRIMARY KEY,"
           " instance_id TEXT NOT NULL,"
           " seq BIGINT NOT NULL,"
           " activity_id TEXT NOT NULL,"
           " activity_type TEXT NOT NULL,"
           " started_at BIGINT NOT NULL,"
           " ended_at BIGINT,"
           " actor TEXT,"
           " UNIQUE (instance_id, seq))",
       },
       {}},
      // Issue 8: "the open tasks of instance X" (GET /tasks?processInstanceId, cancel) was
      // answered by scanning every open task through engine_user_tasks_open; this index finds
      // them directly, already in the list's order, and replaces the one on instance_id alone.
      {301,
       "user tasks by instance",
       {
           "CREATE INDEX engine_user_tasks_by_instance_open ON engine_user_tasks "
           "(instance_id, state, created_at, id)",
           "DROP INDEX engine_user_tasks_by_instance",
       },
       {}},
  };
}

}  // namespace ordo::store
