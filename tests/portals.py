"""Session 12 as other portals publish it: page templates built around the REAL session-12 text.

Every page here carries the real transcript paragraphs of the bundled snapshot page (as published,
full-width punctuation), the real title, and the layout of a family of real sites: their container
class names, navigation, breadcrumbs, related-news lists, share and print widgets, footers and
scripts. None of these portals has a site profile, so ``briefings.sites`` reads them with the
generic reader. The rewrites into other transcript shapes (``rewrite_qa``, ``rewrite_inline``) use
shapes the segmenter reads (``tests.variants``): 问/答 labels and officials' labels inline.

TEMPLATES maps a name to ``(portal family, builder, publish date)``; each builder returns one page,
of the real paragraphs or of ``paras`` (text, one per paragraph) under ``title``.
"""

from __future__ import annotations

import html as html_lib
from collections.abc import Callable
from datetime import date

from tests import variants as v

TITLE = v.TITLE_LINE
WHEN, GUESTS_LINE, SUMMARY = "2024-03-25", (
    "天门市委副书记、市长肖敏；天门市发改委党组书记、主任周启荣；天门市科技局局长夏齐飞；天门市经信局党组书记陈明敏；"
    "天门市政务服务和大数据管理局党组书记、局长陈晓敏；天门市招商服务中心党组书记、主任黄祥斌。"
), (
    "3月25日下午，湖北召开“奋战开门红 市长话经济”系列新闻发布会第十二场，介绍天门市培育壮大新质生产力，"
    "加快推进新型工业化相关情况，并回答记者提问。"
)
RELATED = (
    ("“奋战开门红 市长话经济”第十三场 潜江：聚力“四化”同步 推动高质量发展", "2024-03-27"),
    ("“奋战开门红 市长话经济”第十一场 仙桃：加快建设四化同步发展示范区", "2024-03-22"),
    ("湖北省政府新闻办新闻发布会直播预告", "2024-03-25"),
)
SCRIPT = """<script type="text/javascript">
var _hmt = _hmt || []; (function(){ var hm = document.createElement("script");
hm.src = "https://hm.baidu.com/hm.js?5f4d2c"; document.head.appendChild(hm); })();
document.write("湖北日报记者：这不是提问");
</script>"""


def _e(text: str) -> str:
    return html_lib.escape(text, quote=False)


def paragraphs() -> list[str]:
    """The real transcript paragraphs, as text."""
    return v.transcript_texts()


def _labelled(text: str, tag: str = "strong") -> str:
    """A paragraph's HTML with its speaker label (official alone, journalist inline) in ``<tag>``."""
    split = v._journalist_split(text)
    if v._is_official_label(text):
        return f"<{tag}>{_e(text)}</{tag}>"
    if split:
        return f"<{tag}>{_e(split[0])}：</{tag}>{_e(split[1])}"
    return _e(text)


def _related_list(css: str, item: str = "li") -> str:
    rows = "".join(
        f'<{item}><a href="/xwfbh/202403/t2024032{n}_51341{n}0.html" target="_blank">{_e(t)}</a>'
        f"<span>{d}</span></{item}>"
        for n, (t, d) in enumerate(RELATED, start=7)
    )
    return f'<div class="{css}"><h3>相关新闻</h3><ul>{rows}</ul></div>'


# --- 1. TRS WCM provincial portal (the gov.cn family: div.pages_content#UCAP-CONTENT > div.TRS_Editor)


def trs_provincial(paras: list[str] | None = None, title: str = TITLE) -> str:
    """A TRS WCM provincial portal: ``div.article`` with ``h1``, ``div.pages-date``, body in
    ``div.pages_content#UCAP-CONTENT > div.TRS_Editor`` whose first paragraphs are the
    时间/嘉宾/内容 items; the government-site metas (ArticleTitle, PubDate, ContentSource)."""
    body = [f"<strong>时间：</strong>{WHEN}", f"<strong>嘉宾：</strong>{_e(GUESTS_LINE)}", f"<strong>内容：</strong>{_e(SUMMARY)}"]
    body += [_labelled(p) for p in (paras or paragraphs())]
    content = "\n".join(f'<p style="text-indent: 2em; font-family: 仿宋_GB2312;">{p}</p>' for p in body)
    return f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml"><head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />
<meta name="SiteName" content="某省人民政府门户网站" /><meta name="SiteDomain" content="www.example-province.gov.cn" />
<meta name="ColumnName" content="新闻发布会" /><meta name="ColumnType" content="新闻发布" />
<meta name="ArticleTitle" content="{_e(title)}" />
<meta name="PubDate" content="2024-03-26 10:31" />
<meta name="ContentSource" content="湖北省人民政府新闻办公室" />
<title>{_e(title)}_新闻发布会_某省人民政府门户网站</title>
<link href="/images/common.css" rel="stylesheet" type="text/css" />
<script type="text/javascript" src="/images/jquery.min.js"></script>
</head>
<body>
<div class="header"><div class="logo"><a href="/">某省人民政府门户网站</a></div>
<ul class="nav"><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li><li><a href="/xwfb/">新闻发布</a></li><li><a href="/hdjl/">互动交流</a></li><li><a href="/bsfw/">办事服务</a></li></ul></div>
<div class="BreadcrumbNav">当前位置：<a href="/">首页</a> &gt; <a href="/xwfb/">新闻发布</a> &gt; <a href="/xwfb/xwfbh/">新闻发布会</a></div>
<div class="article oneColumn pub_border">
<h1>{_e(title)}</h1>
<div class="pages-date">2024-03-26 10:31 <span class="font">来源：湖北省人民政府新闻办公室</span>
<span class="font index_switchsize">【字体：<span onclick="changeSize(18)">大</span> <span onclick="changeSize(16)">中</span> <span onclick="changeSize(14)">小</span>】</span></div>
<div class="pages_content" id="UCAP-CONTENT">
<div class="TRS_Editor">
{content}
</div>
</div>
<div class="share"><span>分享到：</span><a class="bds_weixin" href="javascript:void(0)">微信</a><a class="bds_tsina" href="javascript:void(0)">微博</a></div>
<div class="pages_print"><a href="javascript:window.print()">【打印】</a> <a href="javascript:window.close()">【关闭】</a></div>
</div>
{_related_list("related")}
<div class="footer"><p>主办：某省人民政府办公厅 承办：某省大数据中心</p><p>网站标识码：4200000001 某ICP备05003300号 某公网安备 42010602000123号</p></div>
{SCRIPT}
<script type="text/javascript">$(function(){{ $("#UCAP-CONTENT img").css("max-width","100%"); }});</script>
</body></html>
"""


# --- 2. Hanweb (大汉) jcms city portal: div#zoom.wzcon.j-fontContent, 发布时间 line, no PubDate meta


def hanweb_portal(paras: list[str] | None = None, title: str = TITLE) -> str:
    """A Hanweb jcms portal: title in ``div.wzy_title`` (not h1), a visible ``发布时间：`` line in
    ``div.wzy_source``, the lead paragraph, body ``div#zoom.wzcon.j-fontContent`` with labels in
    ``<strong>`` and paragraphs as ``<p><span style=…>``; ``bdsharebuttonbox``, 字号 and print
    widgets, a 相关链接 list, the footer."""
    lead = f'<p style="text-indent:2em;"><span style="font-family:仿宋;font-size:16pt;">{_e(v.LEAD)}</span></p>'
    content = "\n".join(
        f'<p style="text-indent:2em;"><span style="font-family:仿宋;font-size:16pt;">{_labelled(p)}</span></p>'
        for p in (paras or paragraphs())
    )
    return f"""<!DOCTYPE html>
<html><head>
<meta http-equiv="X-UA-Compatible" content="IE=edge">
<meta charset="utf-8">
<meta name="SiteName" content="某市人民政府"><meta name="ColumnName" content="新闻发布">
<title>{_e(title)}_某市人民政府</title>
<script language="javascript" src="/script/jquery.js"></script>
<script>var _hanweb_webid = "1"; var _hanweb_columnid = "3021";</script>
</head>
<body>
<div id="top"><div class="top-link"><a href="/">网站首页</a> | <a href="/col/col3001/">无障碍浏览</a> | <a href="/col/col3002/">长者模式</a></div></div>
<div class="nav-box"><ul><li><a href="/">首页</a></li><li><a href="/col/col3010/">走进某市</a></li><li><a href="/col/col3020/">政务公开</a></li><li><a href="/col/col3021/">新闻发布</a></li></ul></div>
<div class="wzy_position">您当前的位置：<a href="/">首页</a> &gt; <a href="/col/col3021/">新闻发布</a></div>
<div class="wzy_box">
<div class="wzy_title">{_e(title)}</div>
<div class="wzy_source">发布时间：2024-03-26 15:20:06 &nbsp; 信息来源：湖北发布 &nbsp; 浏览次数：<span id="hits"><script>document.write(3187)</script></span>
&nbsp;【字号：<a href="javascript:doZoom(20)">大</a> <a href="javascript:doZoom(16)">中</a> <a href="javascript:doZoom(14)">小</a>】</div>
<div class="wzcon j-fontContent" id="zoom">
<!--ZJEG_RSS.content.begin--><meta name="ContentStart">
{lead}
{content}
<meta name="ContentEnd"><!--ZJEG_RSS.content.end-->
</div>
<div class="wzy_fx"><div class="bdsharebuttonbox"><span>分享：</span><a href="#" class="bds_weixin" data-cmd="weixin"></a><a href="#" class="bds_tsina" data-cmd="tsina"></a></div>
<div class="wzy_print"><a href="javascript:window.print()">[打印本页]</a> <a href="javascript:window.close()">[关闭窗口]</a></div></div>
<div class="xglj"><div class="xglj_title">相关链接</div><ul>{"".join(f'<li><a href="/art/2024/3/2{n}/art_3021_10{n}.html">{_e(t)}</a></li>' for n, (t, _) in enumerate(RELATED))}</ul></div>
</div>
<div id="footer"><p>主办单位：某市人民政府办公室 &nbsp; 地址：某市竟陵街道西湖路 &nbsp; 邮编：431700</p><p>网站标识码：4290060001 &nbsp; 鄂ICP备05015567号</p></div>
<script>window._bd_share_config={{"common":{{"bdText":"","bdPic":""}},"share":{{}}}};</script>
{SCRIPT}
</body></html>
"""


# --- 3. an old table-layout city portal: one td with <br>-split paragraphs, 发布日期 in a td


def table_portal(paras: list[str] | None = None, title: str = TITLE) -> str:
    """An old table-layout city portal (FrontPage-era CMS): nested ``table``s, a left column of
    links, the title in ``td.bt_title``, ``发布日期：`` in ``td.bt_time``, the whole transcript in one
    ``td.bt_content`` with paragraphs split by ``<br>`` and indented with ``&nbsp;``, labels in
    ``<b>``; 【打印本页】【关闭窗口】 and 【加入收藏】 in the same table; a copyright table."""
    lines = "<br>\n".join("&nbsp;&nbsp;&nbsp;&nbsp;" + _labelled(p, "b") for p in (paras or paragraphs()))
    return f"""<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>{_e(title)}_某市人民政府网</title>
<link rel="stylesheet" href="/css/style.css" type="text/css">
<script language="JavaScript">function MM_openBrWindow(u,n,f){{window.open(u,n,f);}}</script>
</head>
<body leftmargin="0" topmargin="0">
<table width="980" border="0" align="center" cellpadding="0" cellspacing="0">
<tr><td height="120" background="/images/top_bg.jpg"><a href="/">某市人民政府网</a></td></tr>
<tr><td class="menu" height="36"><a href="/">首 页</a> | <a href="/zwgk/">政务公开</a> | <a href="/xwzx/">新闻中心</a> | <a href="/bsdt/">办事大厅</a> | <a href="/gzhd/">公众互动</a></td></tr>
</table>
<table width="980" border="0" align="center" cellpadding="0" cellspacing="0">
<tr>
<td width="220" valign="top" class="left">
<table width="100%"><tr><td class="lm_title">新闻中心</td></tr>
<tr><td><a href="/xwzx/bmdt/">部门动态</a></td></tr><tr><td><a href="/xwzx/xwfb/">新闻发布</a></td></tr>
<tr><td><a href="/xwzx/tpxw/">图片新闻</a></td></tr><tr><td><a href="/xwzx/spxw/">视频新闻</a></td></tr></table>
</td>
<td width="760" valign="top">
<table width="100%" border="0" cellspacing="0" cellpadding="0">
<tr><td class="position">当前位置：<a href="/">首页</a> &gt;&gt; <a href="/xwzx/">新闻中心</a> &gt;&gt; <a href="/xwzx/xwfb/">新闻发布</a></td></tr>
<tr><td class="bt_title" align="center"><font size="5" color="#BB0000"><b>{_e(title)}</b></font></td></tr>
<tr><td class="bt_time" align="center">发布日期：2024-03-26 &nbsp;&nbsp; 来源：湖北日报 &nbsp;&nbsp; 点击数：<script>document.write("1024")</script></td></tr>
<tr><td class="bt_content" id="fontzoom" style="font-size:14px; line-height:28px;">
<font face="宋体">
{lines}
</font>
</td></tr>
<tr><td align="right">【<a href="javascript:window.external.addFavorite(location.href,document.title)">加入收藏</a>】【<a href="javascript:window.print()">打印本页</a>】【<a href="javascript:window.close()">关闭窗口</a>】</td></tr>
<tr><td class="xgxw"><b>相关新闻：</b><br>{"<br>".join(f'·<a href="/xwzx/xwfb/2024032{n}/{n}.htm">{_e(t)}</a> {d}' for n, (t, d) in enumerate(RELATED))}</td></tr>
</table>
</td></tr></table>
<table width="980" border="0" align="center" class="copyright"><tr><td align="center">版权所有：某市人民政府办公室 &nbsp; 技术支持：某市信息中心<br>建议使用1024×768分辨率 IE6.0以上版本浏览</td></tr></table>
{SCRIPT}
</body></html>
"""


# --- 4. a news site's repost (people.com.cn family: div.rm_txt_con, meta publishdate)


def news_repost(paras: list[str] | None = None, title: str = TITLE) -> str:
    """A news site's repost (the people.com.cn family): ``h1``, ``div.col-1-1`` with the time and
    source, a dateline lead, body ``div.rm_txt_con`` with an editor line ``(责编：…)`` and a share
    box inside it, ``<meta name="publishdate">``, a 相关新闻 list, the footer."""
    content = "\n".join(f'<p style="text-indent: 2em;">{_labelled(p)}</p>' for p in (paras or paragraphs()))
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head>
<meta charset="utf-8">
<meta name="keywords" content="天门,新质生产力,新型工业化">
<meta name="description" content="{_e(SUMMARY)}">
<meta name="publishdate" content="2024-03-26">
<meta name="source" content="人民网－湖北频道">
<title>{_e(title)}--湖北频道--人民网</title>
<script src="//tools.people.com.cn/libs/jquery/1.7.1/jquery-1.7.1.min.js"></script>
</head>
<body>
<div class="w1000 header"><div class="logo"><a href="http://hb.people.com.cn/">人民网湖北频道</a></div>
<div class="nav"><a href="http://hb.people.com.cn/GB/337099/">时政</a><a href="http://hb.people.com.cn/GB/194146/">社会</a><a href="http://hb.people.com.cn/GB/194063/">经济</a><a href="http://hb.people.com.cn/GB/194146/">视频</a></div></div>
<div class="route"><a href="http://www.people.com.cn/">人民网</a>&gt;&gt;<a href="http://hb.people.com.cn/">湖北频道</a>&gt;&gt;<a href="http://hb.people.com.cn/GB/194063/">经济</a></div>
<div class="col col-1 fl">
<h1>{_e(title)}</h1>
<div class="col-1-1 fl">2024年03月26日11:02 | 来源：<a href="http://hb.people.com.cn/" target="_blank">人民网－湖北频道</a></div>
<div class="rm_txt_con cf">
<p style="text-indent: 2em;">人民网武汉3月26日电 {_e(v.LEAD)}</p>
{content}
<div class="edit cf">(责编：王丽、陈思)</div>
<div class="share-box"><span>分享让更多人看到</span><a href="javascript:;" class="share_wx">微信</a><a href="javascript:;" class="share_wb">微博</a></div>
</div>
<div class="rm_relevant cf"><div class="title">相关新闻</div><ul>{"".join(f'<li><a href="http://hb.people.com.cn/n2/2024/032{n}/c194063-4075{n}.html">{_e(t)}</a></li>' for n, (t, _) in enumerate(RELATED))}</ul></div>
<div class="rm_ranking"><div class="title">热点排行</div><ol><li><a href="/n2/1.html">湖北一季度经济数据发布</a></li><li><a href="/n2/2.html">武汉地铁新线开通</a></li></ol></div>
</div>
<div class="footer"><p>人民日报社概况 | 关于人民网 | 报社招聘 | 招聘英才 | 广告服务 | 合作加盟 | 供稿服务 | 网站声明 | 联系我们</p><p>人 民 网 股 份 有 限 公 司 版 权 所 有 ，未 经 书 面 授 权 禁 止 使 用</p><p>Copyright © 1997-2024 by www.people.com.cn. all rights reserved</p></div>
{SCRIPT}
</body></html>
"""


# --- 5. a WeChat official-account article: div#js_content.rich_media_content, <section><span>


def wechat_article(paras: list[str] | None = None, title: str = TITLE) -> str:
    """A WeChat official-account article as saved from a browser: ``h1#activity-name``,
    ``og:title``, ``em#publish_time``, body ``div#js_content.rich_media_content`` whose
    paragraphs are ``<section><span leaf="">`` (labels in ``<strong>``), the reading toolbar, the
    QR-code box and the page's scripts."""
    sections = "\n".join(
        f'<section style="margin-bottom: 16px;line-height: 1.75em;"><span style="font-size: 15px;" leaf="">{_labelled(p)}</span></section>'
        for p in (paras or paragraphs())
    )
    return f"""<!DOCTYPE html>
<html><head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1.0,maximum-scale=1.0,user-scalable=0,viewport-fit=cover">
<meta property="og:title" content="{_e(title)}">
<meta property="og:url" content="http://mp.weixin.qq.com/s?__biz=MzA4NjAwMDQ5Mg==&amp;mid=2650000012&amp;idx=1">
<meta property="og:description" content="{_e(SUMMARY)}">
<meta property="twitter:card" content="summary">
<title>{_e(title)}</title>
<script>var msg_title = '{_e(title)}'; var ct = "1711447200"; var nickname = "湖北发布";</script>
</head>
<body id="activity-detail" class="zh_CN wx_wap_page">
<div id="js_article" class="rich_media">
<div id="js_top_ad_area" class="top_banner"></div>
<div class="rich_media_inner">
<div id="page-content" class="rich_media_area_primary">
<div class="rich_media_area_primary_inner">
<div id="img-content" class="rich_media_wrp">
<h1 class="rich_media_title" id="activity-name">{_e(title)}</h1>
<div id="meta_content" class="rich_media_meta_list">
<span class="rich_media_meta rich_media_meta_text">湖北发布</span>
<span class="rich_media_meta rich_media_meta_nickname" id="profileBt"><a href="javascript:void(0);" id="js_name">湖北发布</a></span>
<em id="publish_time" class="rich_media_meta rich_media_meta_text">2024-03-26 19:30</em>
</div>
<div class="rich_media_content js_underline_content autoTypeSetting24psection" id="js_content" style="visibility: visible;">
<section style="text-align: center;"><span leaf=""><img class="rich_pages wxw-img" data-src="https://mmbiz.qpic.cn/x/640" alt="图片"></span></section>
{sections}
<section><span leaf="">来源：湖北日报</span></section>
</div>
<div class="rich_media_tool" id="js_toobar3"><div class="media_tool_meta"><a id="js_view_source" href="##">阅读原文</a></div>
<div class="media_tool_meta">阅读 <span id="readNum3">2.1万</span></div><div class="media_tool_meta">赞 <span>86</span></div><div class="media_tool_meta">在看 <span>12</span></div></div>
</div></div></div>
<div id="js_pc_qr_code" class="qr_code_pc_outer"><div class="qr_code_pc_inner"><p>微信扫一扫<br>关注该公众号</p></div></div>
<div class="rich_media_area_extra"><div class="mpda_bottom_container" id="js_bottom_ad_area"></div>
<div id="js_related_area" class="related_article"><div class="related_title">推荐阅读</div><ul>{"".join(f'<li><a href="https://mp.weixin.qq.com/s/{n}abc">{_e(t)}</a></li>' for n, (t, _) in enumerate(RELATED))}</ul></div></div>
</div></div>
<script nonce="123" type="text/javascript">window.__moon_initcallback = function(){{}}; var biz = "MzA4NjAwMDQ5Mg==";</script>
{SCRIPT}
</body></html>
"""


# --- 6. a bare fragment: an article body saved without <html>/<head>


def bare_fragment(paras: list[str] | None = None, title: str = TITLE) -> str:
    """An article body saved without ``<html>``/``<head>`` (a CMS export): ``h1``, a
    ``发布日期：`` line, ``div.article-content`` with the paragraphs, a print/share bar, a related
    list and a script, nothing around them."""
    content = "\n".join(f"<p>{_labelled(p)}</p>" for p in (paras or paragraphs()))
    return f"""<div class="article">
<h1 class="article-title">{_e(title)}</h1>
<div class="article-info"><span>发布日期：2024-03-26</span><span>来源：湖北省人民政府新闻办公室</span></div>
<div class="article-content">
{content}
</div>
<div class="article-tools"><a href="javascript:window.print()">【打印】</a><a href="javascript:window.close()">【关闭】</a><span class="share">分享到：微信 微博</span></div>
{_related_list("article-related")}
</div>
{SCRIPT}
"""


TEMPLATES: dict[str, tuple[str, Callable[[], str], date]] = {
    "trs_provincial": ("TRS WCM provincial portal (div.pages_content#UCAP-CONTENT > div.TRS_Editor)", trs_provincial, date(2024, 3, 26)),
    "hanweb_portal": ("Hanweb jcms city portal (div#zoom.wzcon.j-fontContent)", hanweb_portal, date(2024, 3, 26)),
    "table_portal": ("old table-layout city portal (td.bt_content, <br> paragraphs)", table_portal, date(2024, 3, 26)),
    "news_repost": ("news site repost, people.com.cn family (div.rm_txt_con)", news_repost, date(2024, 3, 26)),
    "wechat_article": ("WeChat official-account article (div#js_content, <section><span>)", wechat_article, date(2024, 3, 26)),
    "bare_fragment": ("article body without <html>/<head> (div.article-content)", bare_fragment, date(2024, 3, 26)),
}  # fmt: skip


# --- session 12 rewritten into other transcript shapes (shapes of tests/test_transcript_shapes.py)

HOST_TURNS = (0, 2, 15)
JOURNALIST_TURNS = (3, 5, 7, 9, 11, 13)
ANSWER_TURNS = (4, 6, 8, 10, 12, 14)


def _relabelled(labels: dict[int, str]) -> list[tuple[str, list[str]]]:
    groups = v.turn_groups(paragraphs())
    return [(labels.get(i, label), texts) for i, (label, texts) in enumerate(groups)]


def rewrite_host_labels() -> list[str]:
    """Session 12 with the host labelled only 主持人 (named by the lead, which opens the text) and
    the officials' labels inline with their first paragraph."""
    groups = _relabelled({i: "主持人" for i in HOST_TURNS})
    return [v.LEAD, *v.from_groups(groups, inline=set(ANSWER_TURNS) | {1})]


def rewrite_qa() -> list[str]:
    """Session 12 with the journalists labelled 问 and the answering officials 答 (the host and
    the introduction keep their labels)."""
    labels = {i: "问" for i in JOURNALIST_TURNS} | {i: "答" for i in ANSWER_TURNS}
    return v.from_groups(_relabelled(labels))


# --- a whole portal with no profile, for the loopback collect ----------------------------------

LOOPBACK_COLUMN = "/xwzx/xwfbh/"
LOOPBACK_PAGES = (  # (list page, detail path, title, paragraphs builder, list date)
    ("index.html", "202403/t20240326_4410012.html", TITLE, paragraphs, "2024-03-26"),
    ("index_1.html", "202403/t20240327_4410013.html", TITLE + "（文字实录）", rewrite_host_labels, "2024-03-27"),
    ("index_2.html", "202403/t20240328_4410014.html", TITLE + "（问答实录）", rewrite_qa, "2024-03-28"),
)
OTHER_ENTRIES = (  # entries of the column outside the series, one per list page, never fetched
    ("某市召开一季度经济运行分析会", "202403/t20240329_4410020.html", "2024-03-29"),
    ("某市政府新闻办举行优化营商环境新闻发布会", "202403/t20240322_4410021.html", "2024-03-22"),
    ("某市2024年春季招聘会新闻发布会", "202403/t20240315_4410022.html", "2024-03-15"),
)


def _list_page(number: int) -> str:
    """List page ``number`` (0-based) of a TRS city portal's column: ``div.list_box ul.list_con``, the
    date in ``span.time``; page 0 pages with ``createPageHTML(3, 0, "index", "html")``, page 1
    with a 下一页 link, page 2 (the last) with a disabled 下一页."""
    _, detail, title, _, day = LOOPBACK_PAGES[number]
    other, other_path, other_day = OTHER_ENTRIES[number]
    items = (
        f'<li><a href="./{other_path}" target="_blank" title="{_e(other)}">{_e(other)}</a><span class="time">{other_day}</span></li>'
        f'<li><a href="./{detail}" target="_blank" title="{_e(title)}">{_e(title)}</a><span class="time">{day}</span></li>'
    )
    if number == 0:
        pager = '<div class="page"><script>createPageHTML(3, 0, "index", "html");</script></div>'
    elif number == 1:
        pager = '<div class="page"><a href="index.html">上一页</a> <a href="index_2.html">下一页</a></div>'
    else:
        pager = '<div class="page"><a href="index_1.html">上一页</a> <span class="disabled">下一页</span></div>'
    return f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>新闻发布会_某市人民政府门户网站</title>
<script src="/images/page.js"></script></head>
<body>
<div class="header"><ul class="nav"><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li><li><a href="/xwzx/">新闻中心</a></li></ul></div>
<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/xwzx/">新闻中心</a> &gt; 新闻发布会</div>
<div class="list_box"><div class="list_title">新闻发布会</div>
<ul class="list_con">{items}</ul>
{pager}
</div>
<div class="footer">主办：某市人民政府办公室 网站标识码：4290060001</div>
</body></html>
"""


def loopback_portal() -> dict[str, bytes]:
    """path -> body of a TRS city portal with no profile: three list pages and three detail pages
    (session 12 in the TRS provincial template; then rewritten with 主持人 labels and inline
    officials; then with 问/答 labels)."""
    pages = {LOOPBACK_COLUMN + name: _list_page(n).encode("utf-8") for n, (name, *_) in enumerate(LOOPBACK_PAGES)}
    for _, detail, title, build, _ in LOOPBACK_PAGES:
        pages[LOOPBACK_COLUMN + detail] = trs_provincial(build(), title).encode("utf-8")
    return pages
