"""Activities (SPEC section 7): types, open activities, the badge, schedule, edit, done, cancel."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Response

from bridge import schemas as s
from bridge.deps import Db, Limit, PathId

router = APIRouter(tags=["activities"])

TYPES = """
SELECT id, identifier, name, icon, default_scheduled_date, action_type FROM chatter.activity_types ORDER BY id
"""
COLUMNS = """activity, name, activity_type, activity_type_name, icon, action_type, model, record, assignee,
       deadline, state, days_left, description, created_by, created_at"""
# chatter.record_activities answers CH003 for a record the user may not read.
RECORD_ACTIVITIES = f"""
SELECT {COLUMNS}
  FROM chatter.record_activities($1, $2, 1000)
 WHERE ($3::bigint IS NULL OR assignee = $3)
 ORDER BY deadline, activity
 LIMIT $4
"""
ACTIVITIES = f"""
SELECT {COLUMNS}
  FROM chatter.activity_overview
 WHERE ($1::bigint IS NULL OR assignee = $1)
 ORDER BY deadline, activity
 LIMIT $2
"""
ACTIVITY = f"""
SELECT {COLUMNS}
  FROM chatter.activity_overview
 WHERE activity = $1
"""
COUNTS = "SELECT * FROM chatter.activity_counts($1)"
SCHEDULE = "SELECT chatter.schedule_activity($1, $2, $3, $4, $5, $6, $7)"
UPDATE = "SELECT chatter.activity_update($1, $2, $3, $4, $5, $6)"
DONE = "SELECT chatter.activity_done($1, $2)"
CANCEL = "SELECT chatter.activity_cancel($1)"


@router.get("/activity_types", response_model=list[s.ActivityType])
async def activity_types(db: Db) -> Any:
    return [dict(r) for r in await db.conn.fetch(TYPES)]


@router.get("/activities", response_model=list[s.Activity],
            summary="Open activities: of a record (model + record), or one's own (mine=true)")
async def activities(db: Db, model: Annotated[str | None, Query(max_length=200)] = None,
                     record: Annotated[int | None, Query(ge=1, le=s.BIGINT_MAX)] = None,
                     mine: bool = False, limit: Limit = 100) -> Any:
    if (model is None) != (record is None):
        raise HTTPException(422, "model and record go together")
    if model is not None:
        rows = await db.conn.fetch(RECORD_ACTIVITIES, model, record, db.user_id if mine else None, limit)
    else:
        rows = await db.conn.fetch(ACTIVITIES, db.user_id if mine else None, limit)
    return [dict(r) for r in rows]


@router.get("/activities/counts", response_model=s.ActivityCounts,
            summary="chatter.activity_counts: the acting user's badge")
async def activity_counts(db: Db) -> Any:
    return dict(await db.conn.fetchrow(COUNTS, db.user_id))


async def _activity(db: Db, activity_id: int) -> dict[str, Any]:
    row = await db.conn.fetchrow(ACTIVITY, activity_id)
    if row is None:
        raise HTTPException(404, f"activity {activity_id} not found")
    return dict(row)


@router.post("/activities", response_model=s.Activity, status_code=201, summary="chatter.schedule_activity")
async def schedule(db: Db, body: s.ScheduleActivity) -> Any:
    new_id = await db.conn.fetchval(SCHEDULE, body.model, body.record, body.activity_type, body.assigned_to,
                                    body.name, body.deadline, body.description)
    await db.written()
    return await _activity(db, new_id)


@router.patch("/activities/{activity_id}", response_model=s.Activity,
              summary="chatter.activity_update: edit, reschedule, reassign (the new assignee is pinged)")
async def update(db: Db, activity_id: PathId, body: s.UpdateActivity) -> Any:
    await db.conn.execute(UPDATE, activity_id, body.name, body.deadline, body.assigned_to, body.description,
                          body.activity_type)
    await db.written()
    return await _activity(db, activity_id)


@router.post("/activities/{activity_id}/done", response_model=s.Created,
             summary="chatter.activity_done: mark done, log the feedback on the record")
async def done(db: Db, activity_id: PathId, body: s.ActivityDone) -> Any:
    await db.conn.execute(DONE, activity_id, body.feedback)
    return {"id": activity_id}


@router.delete("/activities/{activity_id}", status_code=204, response_class=Response,
               summary="chatter.activity_cancel")
async def cancel(db: Db, activity_id: PathId) -> Response:
    await db.conn.execute(CANCEL, activity_id)
    return Response(status_code=204)
