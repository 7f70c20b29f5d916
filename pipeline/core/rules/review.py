"""The statutory consistency rules (RV001–RV006) and the plausibility rules (RV1xx) of a
year's tables."""

from pipeline.core.rules.rule import Rule

RULES = (
    Rule("RV001", "error", "勾稽关系1：依申请公开表某列不平衡",
         "{where}：{rule}。本列“{new}”与“{carried_in}”之和为{expected}，而“{results_total}”与"
         "“{carried_out}”之和为{found}。请核对本列的新收、结转和各项办理结果。"),
    Rule("RV002", "error", "勾稽关系2：依申请公开表某行合计不符",
         "{where}：{rule}。六类申请人之和为{expected}，“{total}”为{found}。请改正“{total}”或各列数字。"),
    Rule("RV003", "error", "勾稽关系3：办理结果合计不符",
         "{where}：{rule}。各项办理结果之和为{expected}，“{results_total}”为{found}。"
         "请核对各项办理结果。"),
    Rule("RV004", "error", "勾稽关系4：复议诉讼合计不符",
         "{where}：{rule}。四项结果之和为{expected}，“{total}”为{found}。请改正合计或各项结果。"),
    Rule("RV005", "error", "勾稽关系5：单元格未填或不是非负整数",
         "{where}{problem}：{rule}。{fix}"),
    Rule("RV006", "error", "勾稽关系6：上年结转与上年报告不衔接",
         "{where}为{found}，上年“{carried_out}”同列为{expected}：{rule}。请核对上年结转的申请"
         "是否都已列入本年台账，或上年已公开报表是否录入有误。"),
    Rule("RV101", "warning", "文件存量与上年不衔接",
         "{where}为{found}；按上年{in_force}{previous}加{made}{n_made}减{repealed}{n_repealed}，"
         "应为{expected}。请核对；如有文件到期自动失效等情况，确认无误即可。"),
    Rule("RV102", "warning", "街道办事处或镇填报了无权制定的文件",
         "{where}为{found}。{organ_kind}没有“{rules}”制定权，这里通常应为0。请核对是否误填"
         "（{normative}应填在“{normative}”行）。"),
    Rule("RV103", "warning", "与上年相比变化过大",
         "{what}本年为{found}，上年为{previous}，{change}。请核对是否填错"
         "（如多填了位数、漏报或重复报）；确认无误的，可在年报中说明原因。"),
)
