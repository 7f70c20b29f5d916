"""xxgk: from the communities' quarterly workbooks to the statutory annual report on
government information disclosure (政府信息公开工作年度报告)."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("xxgk")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0"
