"""Rules of reading a published-tables workbook (HI)."""

from pipeline.core.rules.rule import Rule

RULES = (
    Rule("HI001", "error", "已公开报表无法打开",
         "无法打开已公开报表：{reason}。请确认文件存在，并用 Excel 或 WPS 另存为 .xlsx 格式。"),
    Rule("HI002", "error", "已公开报表缺少工作表",
         "已公开报表中找不到工作表“{name}”，该表的数字无法读取。请不要改动工作表名称；"
         "可用 xxgk init --history 生成空白表格对照。"),
    Rule("HI003", "error", "已公开报表缺少标签",
         "工作表中找不到{what}“{label}”，相关数字无法读取。请不要改动表中的文字标签，"
         "按空白表格恢复原文后重新运行。"),
    Rule("HI004", "warning", "已公开报表单元格未填数字",
         "{where}{state}，按未填写处理，不当作0。数字为0时请填0。"),
    Rule("HI005", "error", "已公开报表单元格不是数字",
         "{where}应为数字，实为“{text}”。请改为数字（为0时填0）。"),
    Rule("HI006", "warning", "已公开报表整张表未填写",
         "“{heading}”表的数字全部未填写，均按未填写处理。请按已公开的年度报告逐格填写（没有的填0）。"),
)
