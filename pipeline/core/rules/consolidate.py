"""Rules of adding a year up from its units' records (CS)."""

from pipeline.core.rules.rule import Rule

RULES = (
    Rule("CS001", "warning", "缺少第4季度报表",
         "{who}没有{this_year}年第4季度报表，“{stock}”{taken}。年度汇总须以第4季度末为准，"
         "请补交第4季度报表后重新运行。"),
    Rule("CS002", "error", "台账中不应改变的内容前后不一致",
         "{what}{ident}的{field}前后不一致：{file_a}“{sheet_a}”{cell_a}为“{value_a}”，"
         "{file_b}“{sheet_b}”{cell_b}为“{value_b}”。{field}登记后不会改变，请改正填错的一处"
         "（暂按最新季度计入）。"),
    Rule("CS003", "note", "申请无法计入表格",
         "申请 {ident} {problem}，未计入{table}。改正台账后重新运行即可计入。"),
    Rule("CS004", "note", "申请暂按未办结计入",
         "申请 {ident} {problem}，暂按“{carried_out}”计入{table}。补填后重新运行。"),
    Rule("CS005", "error", "上年已办结的申请列入了本年台账",
         "申请 {ident} 的答复日期为 {value}，早于{this_year}年，上年已办结的申请不应列入本年台账，"
         "未计入{table}。请核对答复日期；日期无误的，请从本年台账中删去这一行。"),
    Rule("CS006", "note", "案件无法计入表格",
         "案件 {ident} 未填写或填错了案件类型（应为{choices}之一），未计入{table}。"
         "改正台账后重新运行即可计入。"),
    Rule("CS007", "warning", "案件未填写结果",
         "案件 {ident} 未填写结果，按“{pending}”计入{table}。已审结的请填写结果。"),
    Rule("CS008", "note", "上年结转的申请与本年台账对不上",
         "上年“{carried_out}”共{expected}件，本年台账中上年收到的申请共{found}件{listed}。"
         "上年未办结的申请应沿用原编号和收到日期列入本年第1季度台账；请补列缺少的申请，"
         "或核对上年的报告。"),
    Rule("CS009", "error", "同一申请登记在几个单位的台账中",
         "申请 {ident}（收到日期 {received}，申请人类型“{applicant}”）同时登记在{count}个单位的台账中："
         "{places}，在表二中被计算了{count}次。同一件申请只由办理它的单位登记：请从没有办理它的单位的"
         "台账中删去这一行（各季度的台账都要删去）；如果是不同的申请，请给它们改用不同的编号。"),
    Rule("CS010", "error", "台账日期晚于今天",
         "{what} {ident} 的{column}为 {value}，晚于今天（{today}）。请核对年、月是否写错；"
         "尚未发生的事项不要预先登记。第4季度收到、次年1月答复的申请，答复日期照实填写即可。"),
)
