"""Rules of reading the staff's workbooks: IN0xx a file as a whole (the safety scan, sheets),
IN1xx one cell, IN2xx the registers, IN3xx the grids; ID the identity of a workbook (where it
lies, whose it is); ST the officer's confirmation (填报确认)."""

from pipeline.core.rules.rule import Rule

# Parameters the rules state (the readers import them from here).
MAX_CONSULT_DAYS = 250       # working days of third-party consultation: more than a year's
MAX_FEE = 100_000            # 元 of information-processing fee for one application
# A quarter's count above GRID_COUNT_LARGE (~1,600 a working day) is far beyond any
# sub-district: a warning; above GRID_COUNT_IMPOSSIBLE (~16,000 a working day) it cannot be
# true: an error, not counted.
GRID_COUNT_LARGE = 100_000
GRID_COUNT_IMPOSSIBLE = 1_000_000
# How to mend a damaged or odd file, said by several rules.
RESAVE = "请用 Excel 或 WPS 打开原报表，“另存为” .xlsx 文件后重新放入。"

RULES = (
    Rule("ID001", "error", "没有该年度的数据",
         "报表目录 {folder} 中没有 {year} 年的季度报表，也没有“{year}年已公开报表.xlsx”。"
         "请先运行 xxgk init --year {year} 生成报表并填写，或补录已公开报表。"),
    Rule("ID101", "error", "文件位置或名称不符合约定",
         "文件位置或名称不符合约定，未读取。{expected}"),
    Rule("ID102", "error", "填报单位不在名单中",
         "表内填报单位“{name}”不在 xxgk.toml 的单位名单中（{units}），未读取。请使用名单中的名称，"
         "或先在 xxgk.toml 的 [units] 中添加该单位后重新生成报表。"),
    Rule("ID103", "error", "表内信息与文件名不符",
         "表内基本信息是“{inside}”，但文件名表示“{outside}”，未读取。请确认是否放错了季度或单位："
         "这张表应保存为 {expected}。"),
    Rule("ID104", "error", "报表版本不受支持",
         "此报表是版本“{version}”的模板，本系统只能读取版本 {supported}，未读取。请把此文件移到 workbooks "
         "文件夹以外，运行 xxgk init --year {file_year} --quarter {file_quarter} 生成新版报表，再把旧表中的数字抄到新表中。"),
    Rule("ID105", "error", "同一单位同一季度有多个文件",
         "{name}{file_year}年第{file_quarter}季度有 {count} 个报表文件：{files}。这些文件都未读取。每个单位每季度只能"
         "保留一个文件，请删除或移走多余的文件。"),
    Rule("ID106", "error", "基本信息无法识别",
         "基本信息中的“{label}”为“{value}”，无法识别，未读取此文件。基本信息表不要修改；"
         "如已改动，请把此文件移到 workbooks 文件夹以外，用 xxgk init 重新生成报表，再把数字抄过去。"),
    Rule("ID107", "error", "报表年度与所在文件夹不符",
         "表内年度为 {inside} 年，但文件放在 {folder} 年的文件夹中，未读取，按未交处理。这通常是复制了往年的"
         "报表后填写的：请把此文件移出 workbooks 文件夹，让填报人在 {folder} 年第{file_quarter}季度的报表中重新填写"
         "（协调人可运行 xxgk init --year {folder} --quarter {file_quarter} 生成）。不要把它改存到 {inside} 年的"
         "文件夹：那里是 {inside} 年已归档的报表。"),
    Rule("ID120", "error", "填报单位名称中有看不见的字符",
         "表内填报单位“{name}”中有看不见的字符：{chars}{known}，未读取。这类字符常随复制粘贴带入，"
         "会让名称看起来对、实际对不上。请把此文件移到 workbooks 文件夹以外，运行 xxgk init --year "
         "{file_year} --quarter {file_quarter} 重新生成报表，再把数字抄过去。"),
    Rule("ID121", "error", "文件名中有看不见的字符",
         "文件名中的单位名称“{name}”有看不见的字符：{chars}，未读取。请把文件改名为 {expected}"
         "（重新输入文件名中的单位名称，不要复制粘贴）。"),
    Rule("IN001", "error", "文件无法打开",
         "无法打开此文件（{reason}）。请用 Excel 或 WPS 打开确认文件没有损坏，另存为 .xlsx 后重新放入。"),
    Rule("IN002", "error", "缺少工作表",
         "缺少工作表“{name}”，该部分未读取。请不要删除工作表或修改工作表名称；如已改动，请把此文件移到 "
         "workbooks 文件夹以外，运行 xxgk init --year {file_year} --quarter {file_quarter} 重新生成报表，再把数字抄过去。"),
    Rule("IN003", "error", "表格结构被改动",
         "此单元格应为“{expected}”，实际为“{found}”，整张工作表未读取。请不要插入或删除行列、修改标题；"
         "如已改动，请把此文件移到 workbooks 文件夹以外，运行 xxgk init --year {file_year} --quarter {file_quarter} "
         "重新生成报表，再把数字抄过去。"),
    Rule("IN004", "error", "文件是空的",
         "文件是空的（0 字节），未读取。可能是邮件附件没有下载完整，或保存时出错；请重新向填报单位索取报表。"),
    Rule("IN005", "error", "文件设有打开密码",
         "文件设有打开密码，请取消密码后另存：用 Excel 或 WPS 输入密码打开，在“文件—信息—保护工作簿—"
         "用密码进行加密”（WPS：“文件—文档加密—密码加密”）中删除打开密码，另存为 .xlsx 后重新放入。"),
    Rule("IN006", "error", "文件不完整或已损坏",
         "文件不完整或已损坏（{reason}），未读取。可能是邮件附件没有下载完整或复制时中断，请重新取得原文件；"
         "如果原文件也有问题，" + RESAVE),
    Rule("IN007", "error", "文件过大",
         "文件大小为 {size}，超过 {limit} 的上限，未读取。季度报表一般不到 1 MB；请确认放入的是报表本身，"
         "删除表中多余的图片或工作表后另存。"),
    Rule("IN008", "error", "压缩内容异常（疑似压缩炸弹）",
         "文件解压后的内容异常（{reason}），为安全起见未读取。正常保存的报表不会这样；" + RESAVE),
    Rule("IN009", "error", "文件含有 XML 实体声明",
         "文件内部的“{part}”含有 DOCTYPE 或 ENTITY 声明（可被用来发动“XML 炸弹”或读取本机文件），"
         "为安全起见未读取。Excel、WPS、LibreOffice 保存的报表不会有这种内容；" + RESAVE),
    Rule("IN010", "note", "扩展名与文件格式不符",
         "此文件扩展名为“{suffix}”，实际是 {actual} 格式，已按实际格式读取。建议把扩展名改为“{actual}”，"
         "以免别人用 Excel 或 WPS 打开时报错。"),
    Rule("IN011", "warning", "隐藏的工作表中有数据",
         "工作表“{name}”是隐藏的，不属于报表模板，其中有数据（如单元格 {at}），这些数据不会被读取。"
         "需要上报的数字请填入报表对应工作表的浅黄色单元格；不需要的请删除该工作表。"),
    Rule("IN012", "error", "工作表范围过大",
         "工作表“{name}”有内容的范围远至单元格 {at}（约 {rows} 行 × {cols} 列），为避免占满内存，"
         "此工作表未读取。可能是在远处的单元格误输入了内容：请按 Ctrl+End 找到该单元格，删除多余的行和列后保存。"),
    Rule("IN013", "error", "工作表无法读取",
         "工作表“{name}”中有无法读取的内容（{reason}），该工作表未读取。常见原因是日期或时间格式的单元格里"
         "填了很大的数或负数（如身份证号、电话号码）：请检查这张表的日期列，改正后保存。"),
    Rule("IN014", "warning", "不是普通文件，已跳过",
         "这是{what}，不是普通文件，已跳过，没有打开。{advice}"),
    Rule("IN015", "error", "文件含有宏",
         "文件中含有宏（{what}），为安全起见未读取。报表不需要宏：请用 Excel 或 WPS 打开，“另存为”时"
         "选择“Excel 工作簿（*.xlsx）”（不要选“启用宏的工作簿”），提示时选择不保留宏，再重新放入。"),
    Rule("IN016", "error", "文件内部有重名的部分",
         "文件内部有两个同名的部分“{part}”，不同的程序可能读到不同的内容，为安全起见未读取。"
         "正常保存的报表不会这样；" + RESAVE),
    Rule("IN017", "warning", "多余的工作表中有数字",
         "工作表“{name}”不属于报表模板，其中填有数字或日期（如单元格 {at}），这些内容不会被读取。"
         "需要上报的数字请填入报表对应工作表的浅黄色单元格；不需要的请删除该工作表。"),
    Rule("IN101", "note", "未填写",
         "{label}未填写（单元格为{what}）。本季度没有的请填0，有则填写实际数字。"),
    Rule("IN102", "error", "数字填写有误", "{label}填写有误：{detail}"),
    Rule("IN103", "error", "日期填写有误", "{label}填写有误：{detail}"),
    Rule("IN104", "error", "选项填写有误", "{label}填写有误：{detail}"),
    Rule("IN105", "error", "公式没有计算结果",
         "{label}是公式“{formula}”，但文件中没有保存公式的计算结果，无法读取。"
         "公式没有计算结果，请在 Excel 中打开并保存，或直接填数字。"),
    Rule("IN106", "error", "公式引用了其他文件",
         "{label}是公式“{formula}”，引用了其他文件（{target}），未读取。报表交出后看不到被引用的文件，"
         "数字随时可能变化。请在 Excel 中复制此单元格，“选择性粘贴—数值”，或直接填数字。"),
    Rule("IN107", "error", "合并单元格",
         "单元格 {range} 是合并单元格，覆盖了{count}个要分别填写的单元格（{labels}），均未读取。"
         "请取消合并，每个单元格分别填写。"),
    Rule("IN108", "error", "已确认的报表有空白单元格",
         "{label}未填写（单元格为{what}），但本报表已确认“{done}”。已确认的报表不能留空："
         "本季度没有的请填0，有则填写实际数字；如果还没填完，请把“填报确认”改为“{filling}”。"),
    Rule("IN110", "error", "单元格是错误值",
         "{label}是错误值 {error}（{meaning}）{formula}，未读取，也不会当作空白或 0。"
         "请删除公式或错误值，直接填写{what}。"),
    Rule("IN111", "warning", "单元格是公式",
         "{label}是公式“{formula}”，已按文件中保存的计算结果 {value} 读取。报表中请直接填写数字本身，"
         "不要用公式：被引用的单元格一改，结果就会跟着变，别人也看不出数字从何而来。"),
    Rule("IN112", "error", "公式不能使用",
         "{label}是公式“{formula}”（{reason}），未读取。公式中只有对本表单元格的简单加减乘除会按结果读取；"
         "为安全起见，其他公式一律不读取。请删除公式，直接填写{what}。"),
    Rule("IN201", "error", "台账缺少必填项",
         "{what}“{ident}”未填写“{column}”。{hint}"),
    Rule("IN202", "error", "台账日期先后不符",
         "{what}“{ident}”的{later}（{later_value}）早于{earlier}（{earlier_value}）。请核对这两个日期。"),
    Rule("IN203", "error", "台账日期超出范围",
         "{what}“{ident}”的{column}为 {value}，不在 {start} 至 {end} 之内。请核对年份是否写错；"
         "本季度之后发生的事项请登记在以后季度的报表中。"),
    Rule("IN204", "error", "台账缺少编号",
         "此行有内容，但未填写“{column}”。请填写编号（如 {example}）；上季度结转的沿用原编号。"
         "如果这一行是多余的，请把整行内容清除。"),
    Rule("IN205", "error", "台账编号重复",
         "“{column}”为“{ident}”的行在本表出现了不止一次（第{first}行已有），本行未读取。"
         "同一件事项在一张表中只登记一行，请合并，或改正编号。"),
    Rule("IN206", "error", "答复日期与办理结果不配套",
         "申请“{ident}”填写了“{filled}”，但未填写“{missing}”。已办结的两项都要填写；尚未办结的两项都留空。"),
    Rule("IN207", "warning", "编号中有看不见的字符",
         "{column}“{ident}”中有看不见的字符：{chars}，已按去掉后的“{ident}”读取。这类字符常随复制"
         "粘贴带入，会让两个看起来相同的编号对不上（同一件事项被当作两件）。请在单元格中重新输入编号。"),
    Rule("IN208", "note", "台账中只有预填序号的行",
         "本表有 {count} 行（第{first}行至第{last}行之间）只在“{column}”列填了序号（如 1、2、3），"
         "其他各列都是空白，已按空行处理，不计入表格。如果其中有已登记的{what}，请补填收到日期等内容；"
         "序号可以保留，也可以删去。"),
    Rule("IN209", "error", "征求第三方意见天数不合实际",
         f"申请“{{ident}}”的“{{column}}”为 {{value}} 天，超过一年的工作日数（{MAX_CONSULT_DAYS} 天；"
         "一个季度约62个工作日），不可能属实，未使用：这件申请是否按时答复暂无法核对。请核对是否多打了位数；"
         "天数按工作日计，只填等待第三方或其他机关意见的天数。"),
    Rule("IN210", "error", "信息处理费金额不合实际",
         f"申请“{{ident}}”的“{{column}}”为 {{value}} 元，超过 {MAX_FEE} 元。按《政府信息公开信息处理费"
         "管理办法》的标准，一件申请的收费远到不了这个数，未计入收费金额。请核对是否多打了位数，"
         "或把别的数（如电话号码、全年合计）填在了这里；金额以元为单位。"),
    Rule("IN301", "error", "渠道条数多于去重条数",
         "“{category}”在“{channel}”公开 {count} 条，多于本类别去重后的 {distinct} 条。"
         "去重条数不能少于任一渠道的条数，请核对。"),
    Rule("IN302", "warning", "各渠道条数之和少于去重条数",
         "“{category}”各渠道条数之和为 {total}，少于去重后的 {distinct} 条。每条信息至少要通过一个渠道公开，"
         "请核对是否漏填了渠道。"),
    Rule("IN303", "warning", "数字远超街道规模",
         f"{{label}}为 {{value}}，超过 {GRID_COUNT_LARGE}：一个街道（乡镇）一个季度远到不了这个数。"
         "请核对是否多打了几位，或把全年、全区的数字填在了这里；确实无误的可以不改。"),
    Rule("IN304", "error", "数字大得不可能",
         f"{{label}}为 {{value}}，超过 {GRID_COUNT_IMPOSSIBLE}（相当于每个工作日上万件），不可能属实，"
         "未计入表格。请核对是否多打了几位，或误填了电话、证件号码等其他数字。"),
    Rule("ST001", "error", "填报确认不完整",
         "已选择“{choice}”，但未填写“{field}”。确认报表时要填写填报人、联系电话和填报日期；"
         "如果还没填完，请把“填报确认”改为“{filling}”。"),
    Rule("ST002", "error", "联系电话填写有误",
         "“联系电话”填写有误：应为本单位的办公电话（7至20位数字，可带区号和“-”），如 0472-1234567。"),
    Rule("ST003", "error", "填报日期不合理",
         "“填报日期”为 {value}，不在本季度开始（{start}）至次年同期（{end}）之间。请填写确认报表的实际日期。"),
    Rule("ST004", "error", "声明无新增事项但填有数据",
         "“填报确认”选择了“{nothing}”，但{what}。有事项的，请把“填报确认”改为“{done}”；"
         "确实没有的，请删去这些内容。"),
)
