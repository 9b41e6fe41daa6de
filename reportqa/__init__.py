"""reportqa: question answering with verbatim citations over 政府信息公开工作年度报告."""
from reportqa.config import configure_offline

configure_offline()
__version__ = "0.1.0"
