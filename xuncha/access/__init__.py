"""The access policy of the platform: who the actor is (`actor`) and what they may reach (`policy`)."""

from .actor import Actor, InspectionLike, Someone, actor_of
from .policy import FILED_MESSAGE, Kind, Purpose, Standing, allows, is_filed, probing, require_open, scope, standings

__all__ = ["Actor", "InspectionLike", "Someone", "Kind", "Purpose", "Standing", "actor_of", "allows", "scope", "standings",
           "FILED_MESSAGE", "is_filed", "probing", "require_open"]
