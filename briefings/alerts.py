"""Alerts through Prefect's own mechanisms: a webhook notification block and automations on flow-run states.

``briefings alerts setup --webhook URL`` calls :func:`setup_alerts`. It saves a
``CustomWebhookNotificationBlock`` named ``briefings-alerts`` and (re)creates two automations:

- ``briefings-alerts`` fires once per flow run of ``collect`` or ``reparse`` that ends Failed, Crashed or
  TimedOut. A run ends Failed when a page failed or was blocked, or when a data-quality error check failed
  (``RunFailedError``); the flow puts the failed pages and checks into the state message, so the
  notification names them.
- ``briefings-alerts-stuck`` fires once per run still running ``stuck_after_s`` after it started: the
  deployment's concurrency limit makes the next scheduled runs wait for it, so a hung run is a failed day too.

The Prefect server sends the notifications, not the flow run, so a crashed run is reported too. The webhook
receives a JSON POST ``{"text": subject + "\\n" + body, "subject": …, "body": …}``; ``text`` is what Slack-
and Mattermost-style incoming webhooks read.
"""

from __future__ import annotations

from collections.abc import Coroutine
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Iterator, TypeVar
from urllib.parse import urlsplit
from uuid import UUID

from briefings.doctor import ALERTS_NAME, ALERTS_STUCK_NAME
from briefings.errors import BriefingsError, ConfigError

__all__ = [
    "ALERT_EVENTS",
    "ALERT_FLOWS",
    "ALERT_SUBJECT",
    "ALERT_BODY",
    "STUCK_NAME",
    "STUCK_AFTER_S",
    "AlertSetup",
    "setup_alerts",
    "remove_alerts",
]

STUCK_NAME = ALERTS_STUCK_NAME
STUCK_AFTER_S = 6 * 3600.0  # a daily collect takes minutes; still running after this is a hung run, seconds
# every state a run can end in (names, as in the events)
_ENDED_EVENTS = ("prefect.flow-run.Completed", "prefect.flow-run.Failed", "prefect.flow-run.Crashed",
                 "prefect.flow-run.TimedOut", "prefect.flow-run.Cancelled", "prefect.flow-run.Cancelling")

ALERT_FLOWS = ("collect", "reparse")
# state names, as in the events Prefect emits on every flow-run state change
ALERT_EVENTS = ("prefect.flow-run.Failed", "prefect.flow-run.Crashed", "prefect.flow-run.TimedOut")
ALERT_SUBJECT = (
    "briefings: {{ flow.name }}{% if deployment %}/{{ deployment.name }}{% endif %} "
    "run {{ flow_run.name }} ended {{ flow_run.state.name }}"
)
ALERT_BODY = (
    "Flow run {{ flow_run.name }} ({{ flow_run.id }}) of {{ flow.name }}"
    "{% if deployment %}/{{ deployment.name }}{% endif %} ended {{ flow_run.state.name }} "
    "at {{ flow_run.state.timestamp }}.\n"
    "{{ flow_run.state.message }}\n"
    "Open the run: {{ flow_run|ui_url }}"
)
STUCK_SUBJECT = (
    "briefings: {{ flow.name }}{% if deployment %}/{{ deployment.name }}{% endif %} "
    "run {{ flow_run.name }} is still running"
)
STUCK_BODY = (
    "Flow run {{ flow_run.name }} ({{ flow_run.id }}) of {{ flow.name }}"
    "{% if deployment %}/{{ deployment.name }}{% endif %} started at {{ flow_run.start_time }} and has not "
    "ended after {stuck_after}. Later scheduled runs wait for it (AwaitingConcurrencySlot); "
    "cancel it in the UI if it hangs.\n"
    "Open the run: {{ flow_run|ui_url }}"
)


@dataclass(frozen=True)
class AlertSetup:
    """What :func:`setup_alerts` left on the server.

    Attributes:
        block_document_id: the notification block ``briefings-alerts``.
        automation_id: the automation ``briefings-alerts`` (failed, crashed, timed-out runs).
        stuck_automation_id: the automation ``briefings-alerts-stuck`` (runs still running).
        replaced: automations of these names deleted first (0 on a first setup).
    """

    block_document_id: UUID
    automation_id: UUID
    stuck_automation_id: UUID
    replaced: int


def _require_server() -> str:
    from prefect.settings import PREFECT_API_URL

    api = PREFECT_API_URL.value()
    if not api:
        raise ConfigError("alerts live on a Prefect server: set PREFECT_API_URL (e.g. http://127.0.0.1:4300/api); "
                          "see README, Operating it with Prefect")
    return api


@contextmanager
def _server_errors(api: str) -> Iterator[None]:
    """Turn the client's errors into ours: no answer -> ConfigError, a refusal -> BriefingsError."""
    import httpx
    from prefect.exceptions import PrefectHTTPStatusError

    try:
        yield
    except PrefectHTTPStatusError as exc:
        raise BriefingsError(f"the Prefect server at {api} refused: {exc}") from exc
    except httpx.HTTPError as exc:
        raise ConfigError(f"no Prefect server answers at {api} ({type(exc).__name__}: {exc}); "
                          "start it or fix PREFECT_API_URL") from exc


def setup_alerts(webhook_url: str, stuck_after_s: float = STUCK_AFTER_S) -> AlertSetup:
    """Save the webhook block and (re)create the automation; running it again replaces both, never duplicates.

    Args:
        webhook_url: absolute http(s) URL that receives the JSON POST.
        stuck_after_s: a run still running this long after it started is reported, seconds (at least 10,
            Prefect's minimum for such a trigger).
    Returns:
        The ids on the server (``PREFECT_API_URL``).
    Raises:
        ConfigError: the URL is not absolute http(s), PREFECT_API_URL is not set, or no server answers there.
        BriefingsError: the server refused a request.
    """
    parts = urlsplit(webhook_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"--webhook is not an absolute http(s) URL: {webhook_url!r}")
    if stuck_after_s < 10:
        raise ConfigError(f"--stuck-after-s must be at least 10 seconds, not {stuck_after_s:g}")
    with _server_errors(_require_server()):
        return _setup(webhook_url, stuck_after_s)


_R = TypeVar("_R")


def _ran_sync(result: _R | Coroutine[Any, Any, _R]) -> _R:
    """The value of a Prefect ``async_dispatch`` method called outside an event loop (as the CLI calls it).

    Such a method is typed ``R | Coroutine[..., R]``: inside a running loop it returns its async twin's
    coroutine instead.
    """
    if isinstance(result, Coroutine):
        result.close()
        raise RuntimeError("alerts are set up from synchronous code, not inside an event loop")
    return result


def _setup(webhook_url: str, stuck_after_s: float) -> AlertSetup:
    from prefect.blocks.notifications import CustomWebhookNotificationBlock
    from prefect.client.orchestration import get_client
    from prefect.events.actions import SendNotification
    from prefect.events.schemas.automations import AutomationCore, EventTrigger, Posture

    block = CustomWebhookNotificationBlock(
        name=ALERTS_NAME,
        url=webhook_url,
        method="POST",
        json_data={"text": "{{subject}}\n{{body}}", "subject": "{{subject}}", "body": "{{body}}"},
        headers=None,  # the fields' defaults, given: mypy reads a pydantic Field(None) as no default
        cookies=None,
    )
    block_id = _ran_sync(block.save(ALERTS_NAME, overwrite=True))
    replaced = _remove(keep_block=True)
    # flow runs of our flows
    match: dict[str, str | list[str]] = {"prefect.resource.id": "prefect.flow-run.*"}
    match_related: dict[str, str | list[str]] = {"prefect.resource.role": "flow",
                                                 "prefect.resource.name": list(ALERT_FLOWS)}
    trigger = EventTrigger(
        match=match,
        match_related=match_related,
        expect=set(ALERT_EVENTS),
        for_each={"prefect.resource.id"},
        posture=Posture.Reactive,
        threshold=1,
        within=timedelta(0),
    )
    automation = AutomationCore(
        name=ALERTS_NAME,
        description="One notification per briefings flow run that fails, crashes or times out "
                    "(made by `briefings alerts setup`).",
        trigger=trigger,
        actions=[SendNotification(block_document_id=block_id, subject=ALERT_SUBJECT, body=ALERT_BODY)],
    )
    stuck_after = _duration(stuck_after_s)
    stuck = AutomationCore(
        name=STUCK_NAME,
        description=f"One notification per briefings flow run still running {stuck_after} after it started "
                    "(made by `briefings alerts setup`).",
        trigger=EventTrigger(
            match=match,
            match_related=match_related,
            after={"prefect.flow-run.Running"},
            expect=set(_ENDED_EVENTS),
            for_each={"prefect.resource.id"},
            posture=Posture.Proactive,
            threshold=1,
            within=timedelta(seconds=stuck_after_s),
        ),
        actions=[SendNotification(block_document_id=block_id, subject=STUCK_SUBJECT,
                                  body=STUCK_BODY.replace("{stuck_after}", stuck_after))],
    )
    with get_client(sync_client=True) as client:
        automation_id = client.create_automation(automation)
        stuck_id = client.create_automation(stuck)
        for name, created in ((ALERTS_NAME, automation_id), (STUCK_NAME, stuck_id)):  # confirm both are there
            if client.read_automation(created) is None:
                raise BriefingsError(f"the Prefect server did not keep the automation {name} ({created})")
    return AlertSetup(block_document_id=block_id, automation_id=automation_id, stuck_automation_id=stuck_id,
                      replaced=replaced)


def _duration(seconds: float) -> str:
    """``6 h``, ``90 min``, ``15 s``: the largest unit that divides ``seconds``."""
    for unit, size in (("h", 3600), ("min", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{seconds / size:g} {unit}"
    return f"{seconds:g} s"


def remove_alerts(*, keep_block: bool = False) -> int:
    """Delete the automations ``briefings-alerts`` and ``briefings-alerts-stuck`` (and the block, unless
    ``keep_block``).

    Returns:
        How many automations were deleted.
    Raises:
        ConfigError: PREFECT_API_URL is not set, or no server answers there.
        BriefingsError: the server refused a request.
    """
    with _server_errors(_require_server()):
        return _remove(keep_block=keep_block)


def _remove(*, keep_block: bool) -> int:
    from prefect.client.orchestration import get_client
    from prefect.exceptions import ObjectNotFound

    with get_client(sync_client=True) as client:
        existing = [a for name in (ALERTS_NAME, STUCK_NAME) for a in client.read_automations_by_name(name)]
        for automation in existing:
            client.delete_automation(automation.id)
        if not keep_block:
            try:
                block = client.read_block_document_by_name(ALERTS_NAME, "custom-webhook")
                client.delete_block_document(block.id)
            except ObjectNotFound:
                pass
    return len(existing)
