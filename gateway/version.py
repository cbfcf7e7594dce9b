"""The gateway's version, in a module of its own: any module can name it without importing the
package's ``__init__``, which imports the application and the CLI (an import cycle otherwise)."""

from __future__ import annotations

__version__ = "0.1.0"
