"""The live delivery board of an alert: every channel's state, counted and explained."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone

from pressroom.emergency.models import EmergencyAlert
from pressroom.platforms.registry import Platform
from pressroom.publishing.models import Delivery
from pressroom.publishing.rows import DeliveryRow, delivery_rows

# The states always shown, in the order a reader scans them; any other state a delivery
# may be in (say, `claimed`) is shown after these by its own label.
MAIN_STATES = (
    Delivery.Status.PUBLISHED,
    Delivery.Status.SENDING,
    Delivery.Status.PENDING,
    Delivery.Status.RETRY,
    Delivery.Status.PAUSED,
    Delivery.Status.FAILED,
    Delivery.Status.UNKNOWN,
    Delivery.Status.WAITING_FOR_PERSON,
)
# States that need a person to read what to do (or are being retried after a problem).
TROUBLE = frozenset(
    {
        Delivery.Status.RETRY,
        Delivery.Status.PAUSED,
        Delivery.Status.FAILED,
        Delivery.Status.UNKNOWN,
        Delivery.Status.WAITING_FOR_PERSON,
    }
)


def state_label(status: str) -> str:
    """A status's display label; a status this code does not know is shown as it is."""
    if status in Delivery.Status.values:
        return str(Delivery.Status(status).label)
    return status


@dataclass(frozen=True)
class State:
    value: str
    label: str


@dataclass
class Group:
    """One platform's or one unit's deliveries, counted per state."""

    name: str
    counts: dict[str, int] = field(default_factory=dict)
    # The counts in the order of the board's states, for the table.
    cells: list[tuple[State, int]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass
class Board:
    # Every main state, for the counts at the top (a zero there says something).
    states: list[State]
    # The states some delivery is in: the columns of the per-platform and per-unit tables,
    # which stay narrow enough for a laptop and a phone.
    columns: list[State]
    totals: list[tuple[State, int]]
    platforms: list[Group]
    units: list[Group]
    rows: list[DeliveryRow]
    troubles: list[DeliveryRow]
    total: int
    published: int
    running: bool
    elapsed_s: int | None


def _finished_at(deliveries: list[Delivery]) -> datetime | None:
    times = [d.published_at or d.updated_at for d in deliveries]
    return max(times) if times else None


def board_of(alert: EmergencyAlert) -> Board:
    deliveries = list(
        Delivery.objects.filter(post_id=alert.post_id)
        .select_related("channel", "channel__unit")
        .order_by("channel__unit__path", "channel__platform", "channel__name")
    )
    seen = {delivery.status for delivery in deliveries}
    states = [State(value, state_label(value)) for value in MAIN_STATES]
    states += [State(value, state_label(value)) for value in sorted(seen - set(MAIN_STATES))]
    counts: dict[str, int] = {}
    platforms: dict[str, Group] = {}
    units: dict[int, Group] = {}
    for delivery in deliveries:
        status = delivery.status
        counts[status] = counts.get(status, 0) + 1
        platform = delivery.channel.platform
        label = str(Platform(platform).label) if platform in Platform.values else platform
        group = platforms.setdefault(platform, Group(label))
        group.counts[status] = group.counts.get(status, 0) + 1
        unit = delivery.channel.unit
        group = units.setdefault(unit.pk, Group(unit.name))
        group.counts[status] = group.counts.get(status, 0) + 1
    columns = [state for state in states if counts.get(state.value)]
    for group in [*platforms.values(), *units.values()]:
        group.cells = [(state, group.counts.get(state.value, 0)) for state in columns]
    rows = delivery_rows(deliveries)
    # Poll while Pressroom is working on a delivery (not once it waits for a person), or
    # while one is in a state this code does not know and so cannot call finished.
    running = alert.is_waiting or any(
        delivery.in_progress or delivery.status not in Delivery.Status.values
        for delivery in deliveries
    )
    elapsed: int | None = None
    if alert.confirmed_at is not None:
        end = timezone.now() if running else (_finished_at(deliveries) or timezone.now())
        elapsed = max(int((end - alert.confirmed_at).total_seconds()), 0)
    return Board(
        states=states,
        columns=columns,
        totals=[(state, counts.get(state.value, 0)) for state in states],
        platforms=sorted(platforms.values(), key=lambda group: group.name),
        units=list(units.values()),
        rows=rows,
        troubles=[row for row in rows if row.delivery.status in TROUBLE],
        total=len(deliveries),
        published=counts.get(Delivery.Status.PUBLISHED, 0),
        running=running,
        elapsed_s=elapsed,
    )
