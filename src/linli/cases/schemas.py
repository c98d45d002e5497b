"""Input and output types of the requests API (``cases/api.py``): what the
OpenAPI document shows. Class names are the document's component names; keep
them stable."""
import datetime as dt
from typing import TYPE_CHECKING, Annotated, Any, Literal

from ninja import Field, Path, Schema

from linli.api.types import (
    MAX_ID,
    Day,
    Text20,
    Text40,
    Text60,
    Text120,
    Text150,
    Text200,
    Text254,
    Text2000,
    Text5000,
    Time,
)
from linli.cases.models import Status

CaseId = Annotated[int, Field(ge=1, le=MAX_ID)]
ColourName = Literal["green", "yellow", "red", "grey"]
if TYPE_CHECKING:
    StatusName = str
else:
    StatusName = Literal[tuple(Status.values)]
AssigneeName = Literal["property", "community", "party_branch", "microgrid_leader", "person"]


class DeadlineOut(Schema):
    clock: str
    started_at: dt.datetime
    due_at: dt.datetime
    met_at: dt.datetime | None
    breached_at: dt.datetime | None
    cancelled_at: dt.datetime | None


class EventOut(Schema):
    action: str
    at: dt.datetime
    actor: str | None
    from_status: str
    to_status: str
    note: str
    data: dict[str, Any]


class CaseSummaryOut(Schema):
    id: int
    tracking_code: str
    kind: str
    status: str
    colour: str
    category: str
    place: str
    compound: str | None
    description: str
    source: str
    received_at: dt.datetime
    escalation_level: int


class CaseCreatedOut(Schema):
    id: int
    tracking_code: str
    status: str
    colour: str
    tracking_url: str
    deadlines: list[DeadlineOut]


class CaseOut(CaseSummaryOut):
    microgrid: str | None
    address: str
    urgent: bool
    external_id: str
    contact_name: str
    contact_phone: str
    contact_email: str
    assignee_kind: str
    assignee_node: str | None
    assignee: str | None
    plan: str
    rating: str
    merged_into: int | None
    policy: str
    deadlines: list[DeadlineOut]
    events: list[EventOut]


class CasePageOut(Schema):
    items: list[CaseSummaryOut]
    next_cursor: str | None


class CaseIn(Schema):
    unit: Text40 | None = Field(
        None, description="Code of the place (unit, building, household or compound), as printed under its QR code")
    address: Text200 | None = Field(None, description="Address text naming the compound (used when no unit code is known)")
    category: Text40
    description: Text5000
    source: Literal["qr", "snapshot", "phone", "visit", "hotline", "api"] = "api"
    contact_name: Text60 = ""
    contact_phone: Text20 = ""
    contact_email: Text254 = ""
    urgent: bool = False
    external_id: Text60 = ""
    client_token: Annotated[str, Field(max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")] | None = Field(
        None, description="Sending the same token twice creates the request once")
    received_at: Time | None = Field(None, description="Original received time (hotline import; needs cases.case.import)")
    updates_wanted: bool = Field(False, description="Tell the reporter of each step by SMS to contact_phone (a mobile "
                                                    "number); every SMS carries an opt-out link")


class NoteIn(Schema):
    note: Text5000 = ""


class RequiredNoteIn(Schema):
    note: Text5000


class AssignIn(Schema):
    to: AssigneeName
    node: Text40 | None = None
    person: Text150 | None = Field(None, description="username")
    note: Text5000 = ""


class PlanIn(Schema):
    colour: ColourName
    note: Text5000
    due_at: Time | None = None


class VisitIn(Schema):
    method: Literal["phone", "visit", "online"]
    rating: Literal["satisfied", "basically", "unsatisfied"]
    comment: Text5000 = ""


class MergeIn(Schema):
    into: CaseId
    note: Text5000 = ""


class BoardOut(Schema):
    node: str
    figures: dict[str, Any]


class NotificationOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    url: str
    case_id: int | None
    created_at: dt.datetime
    read_at: dt.datetime | None


class EscalationOut(Schema):
    id: int
    case_id: int
    tracking_code: str
    level: int
    role: str
    node: str
    clock: str
    due_at: dt.datetime
    created_at: dt.datetime
    acknowledged_at: dt.datetime | None


class QueueItemOut(CaseSummaryOut):
    next_due: dt.datetime | None


class SuperviseIn(Schema):
    kind: Literal["supervise", "evaluate"]
    note: Text5000
    score: Annotated[int, Field(ge=0, le=100)] | None = None


class MatchIn(Schema):
    volunteer: Text150 = Field(..., description="username of the volunteer or resident")
    note: Text5000 = ""


class PhotoOut(Schema):
    id: int
    after: bool
    uploaded_at: dt.datetime
    url: str


class NodeInfoOut(Schema):
    code: str
    name: str
    kind: str


class OnTimeOut(Schema):
    due: int
    met_on_time: int
    rate: float | None


class SatisfactionOut(Schema):
    rated: int
    satisfied: int
    basically: int
    unsatisfied: int
    rate: float | None


class EvaluationRowOut(Schema):
    rank: int
    node: NodeInfoOut
    community: str
    people: list[str]
    received: int
    handled: int
    return_visits: int
    on_time: OnTimeOut
    satisfaction: SatisfactionOut
    score: float | None


class EvaluationOut(Schema):
    node: NodeInfoOut
    generated_at: dt.datetime
    min_handled: int
    period: str = Field(description="month, quarter, year, or empty for all time")
    since: dt.datetime | None = Field(None, description="start of the period counted (null: all time)")
    grids: list[EvaluationRowOut]
    microgrids: list[EvaluationRowOut]
    demonstration_grid: EvaluationRowOut | None
    excellent_microgrid: EvaluationRowOut | None


class MarkedOut(Schema):
    marked: int
TrackingCode = Annotated[str, Path(max_length=20, pattern=r"^[A-Za-z0-9]+$")]


class TimelineOut(Schema):
    at: dt.datetime
    action: str
    text: str
    note: str
    colour: str | None
    colour_label: str


class PromiseOut(Schema):
    clock: str
    label: str
    due_at: dt.datetime
    overdue: bool


class ToldOut(Schema):
    role: str
    name: str


class TrackOut(Schema):
    tracking_code: str
    status: str
    status_label: str
    category: str
    place: str
    received_at: dt.datetime
    timeline: list[TimelineOut]
    deadlines: list[PromiseOut]
    told: list[ToldOut]


class UpdatesIn(Schema):
    wanted: bool = Field(description="false: no more SMS about this request; true: SMS updates again")


class UpdatesOut(Schema):
    tracking_code: str
    updates_wanted: bool


class RatingIn(Schema):
    rating: Literal["satisfied", "basically", "unsatisfied"]
    comment: Text2000 = ""


class CampaignIn(Schema):
    node: Text40
    title: Text120
    starts_on: Day
    ends_on: Day
    description: Text5000 = ""


class CampaignOut(Schema):
    id: int
    node: str
    title: str
    starts_on: dt.date
    ends_on: dt.date
    found: int
    fixed: int
    rate: float | None


class ParticipantIn(Schema):
    person: Text150


class ProblemIn(Schema):
    node: Text40
    category: Text40
    description: Text5000
    responsible: Text120
    measure: Text5000
    due_at: Time


class PolicyIn(Schema):
    node: Text40
    policy: Text40


class PolicyOut(Schema):
    node: str
    policy: str
    name: str
