"""/servers/{order_id}: the power state, sensors and power actions of a dedicated server with a management
controller, through the same service as the order page (same checks, rate limit, audit and history)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path

from introserv_app.domain.validation import ID_MAX
from introserv_app.services import servers

from ._core import Context, caller
from ._schemas import PowerDone, PowerRequest, PowerState, Sensor, Sensors

router = APIRouter(prefix="/servers", tags=["servers"])
OrderId = Annotated[int, Path(ge=1, le=ID_MAX, description="The order of the dedicated server.")]


@router.get("/{order_id}/power", summary="The server's power state (asks its controller)")
async def power(order_id: OrderId, ctx: Annotated[Context, Depends(caller("servers"))]) -> PowerState:
    state = await ctx.call(
        lambda: servers.live_state(viewer=ctx.viewer, order_id=order_id, ip=ctx.ip, details=False, scope=ctx.scope)
    )
    return PowerState(power=state.power)


@router.get("/{order_id}/sensors", summary="Sensor readings with their thresholds (asks its controller)")
async def sensors(order_id: OrderId, ctx: Annotated[Context, Depends(caller("servers"))]) -> Sensors:
    state = await ctx.call(lambda: servers.live_state(viewer=ctx.viewer, order_id=order_id, ip=ctx.ip, scope=ctx.scope))
    return Sensors(
        power=state.power,
        sensors=[Sensor(name=s.name, kind=s.kind, value=s.value, unit=s.unit, health=s.health,
                        thresholds=dict(s.thresholds)) for s in state.sensors],
    )  # fmt: skip


@router.post("/{order_id}/power", summary="Power on, soft off, hard off, reset or power cycle")
async def power_action(
    order_id: OrderId, body: PowerRequest, ctx: Annotated[Context, Depends(caller("servers"))]
) -> PowerDone:
    """Refused while the order is suspended, cancelled or not delivered, with the reason; at most
    `INTROSERV_BMC_ACTIONS_PER_WINDOW` actions per server in the window (the order page's limit)."""
    done = await ctx.call(
        lambda: servers.act(viewer=ctx.viewer, order_id=order_id, action=body.action, ip=ctx.ip, scope=ctx.scope)
    )
    return PowerDone(action=str(done))
