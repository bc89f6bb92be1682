"""Jan in the room: a customer persona in your product meeting, answering with verified evidence."""

import os as _os

# litellm fetches a cost map over the network at import unless told otherwise (offline machines).
_os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

__version__ = "0.1.0"
