"""Who sees the activity metrics: managers and the hub's coordinators. Aggregates only."""

from common.roles import role_required
from coordination.models import User

METRICS_ROLES = (User.Role.MANAGER, User.Role.COORDINATOR)

metrics_required = role_required(*METRICS_ROLES)
