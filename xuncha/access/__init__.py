"""The access policy of the platform: who the actor is (`actor`) and what they may reach (`policy`)."""

from .actor import Actor, actor_of
from .policy import Kind, Purpose, Standing, allows, scope, standings

__all__ = ["Actor", "Kind", "Purpose", "Standing", "actor_of", "allows", "scope", "standings"]
