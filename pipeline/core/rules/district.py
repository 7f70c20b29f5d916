"""Rules of a district's roll-up of its organs (DS)."""

from pipeline.core.rules.rule import Rule

RULES = (
    Rule("DS001", "error", "机关没有本年数据",
         "{organ}没有{this_year}年的季度报表，也没有已公开报表，全区汇总中没有计入该机关。"
         "请该机关交回报表（报表放在 workbooks/{short}/{this_year}/ 下）后重新运行。"),
    Rule("DS002", "error", "机关报表未齐",
         "{organ}{this_year}年的报表未齐：{summary}。全区汇总中该机关的数字不完整（{missing}）。"
         "请督促该机关交回并确认报表后重新运行。"),
    Rule("DS003", "error", "机关的表格有错误",
         "{organ}{this_year}年审核有 {errors} 条错误（详见 {findings_file}），全区汇总中该机关的数字可能不准确。"
         "请该机关改正后重新运行。"),
    Rule("DS004", "error", "全区已公开数字与各机关之和不一致",
         "{source}中{place}为 {published}，各机关之和为 {total}（{parts}）。请核对已公开的全区数字"
         "或各机关的表格。"),
)
