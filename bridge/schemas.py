"""JSON shapes of the API: request bodies and responses (they make the OpenAPI document at /docs)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, StringConstraints

BIGINT_MAX = 2**63 - 1
Id = Annotated[StrictInt, Field(ge=1, le=BIGINT_MAX)]
Model = Annotated[str, StringConstraints(pattern=r"^[A-Za-z_][A-Za-z0-9_.]*$", max_length=200)]
Text = Annotated[str, StringConstraints(max_length=1_000_000)]
Short = Annotated[str, StringConstraints(max_length=1000)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class FieldError(BaseModel):
    field: str = Field(description="Where: `body.subject`, `query.limit`, `path.document` (clipped)")
    message: str = Field(description="What is wrong, in words; never the value sent")


class Error(BaseModel):
    detail: Any
    code: str | None = None
    hint: str | None = None
    errors: list[FieldError] | None = Field(
        None, description="A request that failed validation (422, code 22023): its fields, at most 20")


class Created(BaseModel):
    id: int


class Count(BaseModel):
    count: int


class Author(BaseModel):
    id: int
    name: str


class AttachmentInfo(BaseModel):
    id: int
    name: str
    mimetype: str
    size: int
    model: str | None = None
    document: int | None = None
    created_at: datetime | None = None


class Reaction(BaseModel):
    emoji: str
    count: int
    contacts: list[int] = Field(description="Who reacted (contact ids), first reaction first")


class ParentSummary(BaseModel):
    id: int
    author: str | None
    deleted: bool
    excerpt: str = Field(description="The replied-to message as plain text, cut to 140 characters")


class Bounced(BaseModel):
    contact_id: int
    name: str
    email: str | None


class Message(BaseModel):
    id: int
    message_type: Literal["Message", "Note", "Tracking", "Email"]
    subtype: str | None
    model: str | None
    document: int | None
    channel_id: int | None
    subject: str | None
    body: str = Field(description="HTML, sanitized (nh3) on the way out")
    author: Author | None
    from_email: str | None
    parent_id: int | None
    tracking: list[dict[str, Any]] | None
    created_at: datetime
    attachments: list[AttachmentInfo]
    edited: bool = Field(False, description="Edited by its author: the page shows \"(edited)\"")
    edited_at: datetime | None = None
    deleted: bool = Field(False, description="Deleted by its author: a tombstone, without body or files")
    reactions: list[Reaction] = Field(default_factory=list)
    starred: bool = Field(False, description="Starred by the acting user (false in relayed frames)")
    parent: ParentSummary | None = Field(None, description="The message this one replies to, if readable")
    bounced: list[Bounced] = Field(default_factory=list,
                                   description="Recipients whose email of this message bounced (a delivery report)")


class MessagePage(BaseModel):
    messages: list[Message] = Field(description="Newest first")
    next_before_id: int | None = Field(description="Pass as before_id for the next (older) page; null at the end")


class SendMessage(Strict):
    """The seed's create_message arguments; the author is always the acting user."""

    body: Text
    subject: Short | None = None
    message_type: Literal["Message", "Note"] = "Message"
    model: Model | None = None
    document: Id | None = None
    contacts: list[Id] = Field(default_factory=list, max_length=1000)
    attachments: list[Id] = Field(default_factory=list, max_length=1000)
    send: StrictBool = False
    send_immediately: StrictBool = False
    subtype: Short | None = None
    parent: Id | None = None
    reply_to: Short | None = None


class LogMessage(Strict):
    model: Model
    document: Id
    body: Text


class Notify(Strict):
    model: Model
    document: Id
    body: Text
    contacts: list[Id] = Field(max_length=1000)
    subject: Short | None = None


class Contact(BaseModel):
    id: int
    name: str
    email: str | None


class Follow(Strict):
    contacts: list[Id] = Field(default_factory=list, max_length=1000,
                               description="Contacts to subscribe; empty = yourself")
    subtypes: list[Short] | None = None


class FollowerSubtypes(BaseModel):
    contact_id: int | None = Field(description="The follower, a contact; null for a channel")
    channel_id: int | None = Field(description="The follower, a channel (its members follow); null for a contact")
    name: str | None
    subtypes: list[str] = Field(description="Identifiers of the subtypes this follower is notified of")


class Subscription(Strict):
    subtypes: list[Short] = Field(max_length=100, description="The subtypes to follow (identifiers); empty: none")


class Subtype(BaseModel):
    identifier: str
    name: str
    description: str | None
    internal: bool
    is_default: bool


class AudienceMember(BaseModel):
    contact_id: int
    email: str | None
    via: list[str]


class Payload(BaseModel):
    """The seed's notification payload (notification_payload); a chat message's also has channel_id,
    channel_name, channel_kind and partner_name (a DM's other person), so it opens the conversation."""

    model_config = ConfigDict(extra="allow")
    kind: str
    model: str | None
    document: int | None
    message_id: int
    title: str
    body: str


class Channel(BaseModel):
    id: int
    name: str
    kind: Literal["Public", "Private", "Direct"]
    description: str | None
    is_archived: bool
    last_message_at: datetime | None
    created_by: int | None
    is_member: bool
    is_muted: bool | None
    unread: int | None
    dm_user_ids: list[int] | None


class CreateChannel(Strict):
    name: Annotated[str, StringConstraints(min_length=1, max_length=255)]
    kind: Literal["Public", "Private"] = "Public"
    members: list[Id] = Field(default_factory=list, max_length=1000, description="User ids")
    description: Short | None = None


class Post(Strict):
    body: Text
    parent: Id | None = Field(default=None, description="Reply to this message of the channel (channel_reply)")


class MarkRead(Strict):
    message_id: Id | None = Field(default=None, description="Default: the newest message")


class Mute(Strict):
    muted: StrictBool = True


class Unread(BaseModel):
    channel_id: int
    unread: int
    is_muted: bool


class Dm(Strict):
    user_id: Id


class User(BaseModel):
    id: int
    username: str
    contact_id: int
    name: str
    email: str | None
    notification: str


class InboxItem(BaseModel):
    notification_id: int
    message_id: int
    is_read: bool
    read_at: datetime | None
    created_at: datetime
    payload: Payload


class InboxPage(BaseModel):
    notifications: list[InboxItem]
    next_before_id: int | None


class MarkNotifications(Strict):
    notification_ids: list[Id] | None = Field(default=None, max_length=10000, description="Default: all")


class ActivityType(BaseModel):
    id: int
    identifier: str
    name: str
    icon: str | None
    default_scheduled_date: int
    action_type: str


class Activity(BaseModel):
    activity: int
    name: str
    activity_type: str
    activity_type_name: str
    icon: str | None
    action_type: str
    model: str
    record: int
    assignee: int
    deadline: date
    state: Literal["overdue", "today", "planned"]
    days_left: int
    description: str | None
    created_by: int | None
    created_at: datetime


class ScheduleActivity(Strict):
    model: Model
    record: Id
    activity_type: Short
    assigned_to: Id
    name: Short | None = None
    deadline: date | None = None
    description: Text | None = None


class RecordLabel(BaseModel):
    model: str
    document: int
    label: str


class UpdateActivity(Strict):
    """chatter.activity_update: a field left out (or null) keeps its value."""
    name: Short | None = None
    deadline: date | None = None
    assigned_to: Id | None = None
    description: Text | None = None
    activity_type: Short | None = None


class ActivityDone(Strict):
    feedback: Text | None = None


class ActivityCounts(BaseModel):
    overdue: int
    today: int
    planned: int


class PushKeys(Strict):
    p256dh: Annotated[str, StringConstraints(min_length=1, max_length=500)]
    auth: Annotated[str, StringConstraints(min_length=1, max_length=500)]


class PushSubscription(Strict):
    """The browser's PushSubscription.toJSON()."""

    endpoint: Annotated[str, StringConstraints(pattern=r"^https?://", max_length=2000)]
    keys: PushKeys
    expirationTime: float | None = None


class VapidKey(BaseModel):
    public_key: str | None = Field(description="CHATTER_VAPID_PUBLIC_KEY; null when Web Push is not configured")


class Health(BaseModel):
    status: Literal["ok", "unavailable"]
    database: bool
    listening: bool


class EditMessage(Strict):
    """chatter.edit_message: a new body; subject null keeps it, "" clears it."""

    body: Text
    subject: Short | None = None


Emoji = Annotated[str, StringConstraints(min_length=1, max_length=100)]


class React(Strict):
    emoji: Emoji
