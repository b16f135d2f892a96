"""Liveness and readiness."""

from fastapi import APIRouter, Depends
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from .. import __version__
from ..dependencies import get_session

router = APIRouter(tags=["health"])


@router.get("/health")
async def health(session: AsyncSession = Depends(get_session)) -> dict:
    """The service is up and its database answers."""
    await session.execute(text("SELECT 1"))
    return {"status": "ok", "version": __version__, "database": "ok"}
