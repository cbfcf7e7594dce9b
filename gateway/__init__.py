"""vicidial-gateway: a credential-hiding JSON gateway for VICIdial's HTTP APIs.

>>> from gateway import create_app, load_config
>>> app = create_app(load_config("config/demo.yaml"))  # doctest: +SKIP
"""

from __future__ import annotations

from .app import create_app
from .cli import main
from .config import Config, load_config
from .errors import ConfigError, GatewayError
from .version import __version__

__all__ = [
    "Config",
    "ConfigError",
    "GatewayError",
    "__version__",
    "create_app",
    "load_config",
    "main",
]
