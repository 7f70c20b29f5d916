"""Rules of answer deadlines, counted in working days (DL)."""

from pipeline.core.rules.rule import Rule

RULES = (
    Rule("DL001", "warning", "节假日日历不支持该年份",
         "已安装的 chinesecalendar 不含 {calendar_year} 年的节假日安排，无法计算该年的工作日："
         "日期或答复期限落在该年的申请未核对答复期限，已答复的不计入按时答复、逾期答复的件数。"
         "请升级 chinesecalendar（pip install -U chinesecalendar）后重新运行。"),
    Rule("DL002", "warning", "逾期答复",
         "申请 {app_id} 用了 {used} 个工作日答复，超过 {limit} 个工作日的期限（截止日 {due}）。"
         "逾期本身不影响表格勾稽，但年报须如实反映，故列为警告：请核对收到、补正、延期、"
         "征求意见天数和答复日期；若无误，请在年报中说明逾期原因和整改措施。"),
    Rule("DL003", "warning", "补正告知超过7个工作日",
         "申请 {app_id} 于 {received} 收到，补正告知 {sent} 才发出，用了 {used} 个工作日，"
         "超过 {limit} 个工作日的一次性告知期限。请核对两个日期；若无误，请在工作中改进。"),
    Rule("DL004", "warning", "未办结申请已超期",
         "申请 {app_id} 截至 {as_of} 尚未答复，已超过答复期限（截止日 {due}）。"
         "请尽快答复，并在台账中填写答复日期和办理结果。"),
    Rule("DL005", "note", "未办结申请临近期限",
         "申请 {app_id} 截至 {as_of} 尚未答复，距答复期限（截止日 {due}）只剩 {left} 个工作日。"
         "请抓紧办理。"),
    Rule("DL006", "note", "日期先后矛盾，未核对期限",
         "申请 {app_id} 的{later}（{later_date}）早于{earlier}（{earlier_date}），无法计算答复用时，"
         "未核对答复期限。改正台账中的日期后重新运行。"),
    Rule("DL007", "note", "日期超出节假日日历，未核对期限",
         "申请 {app_id} 的“{column}”为 {value}，不是本台账可能有的日期，已安装的 chinesecalendar "
         "也没有 {value_year} 年的节假日安排，无法核对答复期限，这件申请不计入按时答复、逾期答复的"
         "件数。请核对这一日期（应在 {start} 至 {end} 之间），改正后重新运行。"),
    Rule("DL008", "error", "征求意见天数不可能，未核对期限",
         "申请 {app_id} 的“{column}”填的是 {consult} 个工作日，{why}，无法核对答复期限，这件申请"
         "不计入按时答复、逾期答复的件数。请核对这一格：只填向第三方或其他机关征求意见实际用去的"
         "工作日数（不是自然日），没有征求意见的填0。"),
)
