"""Rules of collecting returned workbooks from an inbox (CO)."""

from pipeline.core.rules.rule import Rule

RULES = (
    Rule("CO001", "error", "不是电子表格文件",
         "此文件不是电子表格（扩展名为“{suffix}”），未归档，按未交处理。交回的报表应为 xxgk 生成的"
         " .xlsx 文件（用 Excel、WPS 另存的 .xls、.ods 也可以），不能是网页、CSV、文本或图片；"
         "请让填报人在原报表中填写后交回。如果是其他材料，请把它移出收件箱。"),
    Rule("CO002", "error", "扩展名与内容不符",
         "此文件扩展名为“{suffix}”，但内容不是 Excel/WPS 表格（可能是改了扩展名的其他文件，或是以网页、"
         "文本格式导出的表格），未归档。请用 Excel 或 WPS 打开后“另存为” .xlsx 文件，再放入收件箱。"),
    Rule("CO003", "error", "无法读取基本信息",
         "无法读取表内的基本信息（填报单位、年度、季度），未归档。{detail}"),
    Rule("CO004", "error", "报表年度不符",
         "表内年度为 {found} 年，不是本次收集的 {wanted} 年，未归档，按未交处理。这通常是复制了往年的报表"
         "后填写的：请让填报人在 {wanted} 年第{file_quarter}季度的报表中重新填写后交回（协调人可运行 "
         "xxgk init --year {wanted} --quarter {file_quarter} 生成），不要复制往年的报表。"),
    Rule("CO005", "error", "填报单位不在名单中",
         "表内填报单位“{name}”不在 xxgk.toml 的单位名单中（{units}），未归档。请让填报人使用为本单位生成的报表，"
         "或先在 xxgk.toml 的 [units] 中添加该单位。"),
    Rule("CO006", "error", "报表版本不受支持",
         "此报表是版本“{version}”的模板，本系统只能读取版本 {supported}，未归档。请运行 xxgk init --year {file_year} "
         "--quarter {file_quarter} 生成新版报表，请填报人把数字抄到新表后重新交回。"),
    Rule("CO007", "error", "收件箱中同一单位同一季度有不同文件",
         "收件箱中有 {count} 个内容不同的文件都是{name}{file_year}年第{file_quarter}季度的报表：{files}。"
         "这些文件都未归档。请只在收件箱中保留要归档的那一个（其余移出收件箱），再重新运行。"),
    Rule("CO008", "error", "不替换已定稿年度的报表",
         "{final_year}年的正式年报已于 {built} 生成，{target} 是当时已归档的报表，本次未替换。"
         "已定稿年度的数据不应被新交的文件改动；如果确实要更正，请核实后加 --replace-final 重新运行"
         "（原文件会保留在“历史版本”中），然后重新生成{final_year}年年度报告并核对。"),
    Rule("CO009", "error", "无法从压缩包中安全取出",
         "无法从压缩包中安全取出（{reason}），未归档，按未交处理。压缩包本身未被改动。请让填报人直接发送"
         "报表文件，或重新压缩（不要设密码）后再发送。"),
    Rule("CO010", "error", "压缩包中的文件名不安全",
         "压缩包中的“{member}”{reason}，解压时可能写到收件箱以外，为安全起见未取出，未归档。正常压缩的"
         "报表不会这样；请让填报人把报表文件直接发送，或放在一个文件夹中重新压缩后发送。"),
    Rule("CO011", "error", "填报单位不属于任何机关",
         "表内填报单位“{name}”不在 xxgk.toml 任何机关的单位名单中，未归档。请核对单位名称，或先在该机关的"
         " units 中添加该单位。"),
    Rule("CO012", "error", "填报单位在几个机关中同名",
         "表内填报单位“{name}”在{organs}中都有，无法判断是哪个机关的报表，未归档。请把这个机关的报表放在"
         "单独的文件夹中，用 xxgk collect 文件夹 --organ 机关简称 收集。"),
)
