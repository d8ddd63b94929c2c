#pragma once
// The process engine's REST resources (API.md section 6, except POST /api/v1/messages):
//
//   /api/v1/process-definitions...   deploy (processes:deploy), list/get/xml (read), delete
//   /api/v1/process-instances...     start (run), list/get/variables/history (read), cancel (run)
//   /api/v1/tasks...                 list/get (read), claim/unclaim/complete (run)
//   /api/v1/external-tasks...        fetch-and-lock, complete, failure (run)
//
// A person who is not an admin sees and works only the tasks assigned to them or offered to
// them or their groups, and acts as themselves; an access (or an admin) may act for any user by
// naming `user` in the body.
//
// Wiring (src/app/services.cc):
//   auto repo = std::make_shared<store::EngineSqlRepository>(*s.db);
//   auto engine = std::make_shared<engine::Engine>(*repo, SystemClock::Instance(), options);
//   s.keep_alive.push_back(repo); s.keep_alive.push_back(engine);
//   api::RegisterEngineRoutes(table, *engine);
//
// The routes borrow the engine, which must outlive the server.

#include "api/route.h"
#include "engine/engine.h"

namespace ordo::api {

void RegisterEngineRoutes(RouteTable& table, engine::Engine& engine);

// Parts of RegisterEngineRoutes, one per resource file.
void RegisterProcessDefinitionRoutes(RouteTable& table, engine::Engine& engine);
void RegisterProcessInstanceRoutes(RouteTable& table, engine::Engine& engine);
void RegisterTaskRoutes(RouteTable& table, engine::Engine& engine);
void RegisterExternalTaskRoutes(RouteTable& table, engine::Engine& engine);
void RegisterMessageRoutes(RouteTable& table);

}  // namespace ordo::api
