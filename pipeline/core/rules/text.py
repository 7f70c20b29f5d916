"""Rules of the report's words (TX): the paragraphs workbook, placeholders, part 五, numbers
and breakdowns against the tables, years, headings, repeats, fees and timeliness."""

from pipeline.core.rules.rule import Rule

RULES = (
    Rule("TX001", "error", "年报文字表无法读取",
         "年报文字工作簿{problem}，本年度报告将全部使用系统生成的默认文字。请使用 xxgk 生成的"
         "空白年报文字表（工作表“年报文字”，第1行列名：{columns}）。"),
    Rule("TX002", "error", "段落编号无法识别",
         "段落编号“{key}”无法识别，这一行的文字不会进入报告。请从下拉列表中选择：{keys}。"),
    Rule("TX003", "error", "段落方式无法识别",
         "段落“{key}”的方式“{mode}”无法识别，请填写“{modes}”之一。"),
    Rule("TX004", "error", "段落编号重复",
         "段落编号“{key}”出现了不止一次（第{rows}行），报告只能用其中一段。请合并为一行。"),
    Rule("TX010", "error", "占位符无法识别",
         "“{section}”中的占位符“{placeholder}”无法识别，报告中会原样显示。请改为年报文字表"
         "“占位符说明”工作表中列出的名称。"),
    Rule("TX011", "error", "占位符本年无数据",
         "“{section}”中的占位符“{placeholder}”在{report_year}年没有数据，报告中会原样显示。请改写为"
         "具体文字，或先补齐数据。"),
    Rule("TX020", "error", "存在的主要问题为空",
         "第五部分“{heading}”写的是“{text}”。这一部分必须如实写出本年度存在的问题和改进情况，"
         "不能为空或写“无”。请在年报文字表的“problems”一行填写。"),
    Rule("TX021", "warning", "存在的主要问题使用默认文字",
         "第五部分“{heading}”使用的是系统生成的通用文字，不能代替本机关的实际情况。请在年报文字表"
         "的“problems”一行写出本年度存在的具体问题和改进措施。"),
    Rule("TX022", "error", "存在的主要问题与上年相同",
         "第五部分“{heading}”与{previous}年度报告的文字完全相同，评估中会按“内容雷同”扣分。"
         "请按本年度实际情况重写。"),
    Rule("TX030", "error", "文字中的数字与报表不一致",
         "“{section}”中写的{what}是“{stated}”，而报表数据为{actual}。请改正文字，或改用占位符"
         "{placeholder}，让数字自动与报表一致。"),
    Rule("TX031", "error", "分项之和与合计不一致",
         "“{section}”中“{snippet}”：各分项之和为{parts}，与合计{total}不一致，请核对。"),
    Rule("TX032", "warning", "文字中的年份不是报告年度",
         "“{section}”中写有“{snippet}”，而本报告是{report_year}年度报告，可能沿用了往年文字。"
         "请核对年份。"),
    Rule("TX033", "error", "部分标题缺失或被改动",
         "报告第{number}部分应为“{heading}”，实际为“{found}”。六个部分的标题必须与法定格式一致，"
         "请改回法定标题。"),
    Rule("TX034", "warning", "段落与上年相同",
         "“{section}”与{previous}年度报告的文字完全相同，可能被评为“内容雷同”。请按本年度实际情况"
         "改写。"),
    Rule("TX035", "error", "信息处理费与数据不一致",
         "数据显示本年度收取信息处理费{fee}元，而第六部分“{section}”写的是“{snippet}”。"
         "请核对后使文字与数据一致。"),
    Rule("TX036", "error", "文字称全部按时答复，与期限核对结果不符",
         "“{section}”中写有“{snippet}”，但答复期限的核对结果是：{facts}，不能说全部按时答复。"
         "请删去这一说法，如实写明办理时限情况：{advice}。"),
)
