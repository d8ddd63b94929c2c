#pragma once
// Ids for the engine's rows that sort by creation time.
//
// Why: every engine row is found by its id through a B-tree index (and history and tasks also
// by their instance's id). With purely random ids each new row lands on a random leaf page, so
// a group commit of 20 round trips dirtied some 200 pages scattered over the indexes, each
// written to the WAL, fsynced, then checkpointed back. With the time first, rows created
// together land on the same right-most pages. Ids stay opaque to clients (API.md section 1).
//
// Thread-safe.

#include <string>

namespace ordo::engine {

// 22 characters of [0-9A-Za-z], like NewId(): 8 of milliseconds since the Unix epoch in base
// 62 (ASCII order = time order, until the year 8900), then 14 random ones (~83 bits).
std::string TimeOrderedId();

}  // namespace ordo::engine
