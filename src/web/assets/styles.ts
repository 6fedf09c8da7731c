/**
 * The web app's one stylesheet (served at /app/app.<hash>.css). Mobile first: one column up to 44rem, nothing wider
 * than a 360 px screen (long words wrap, tables are narrow, no scrolling region), touch targets of 44 px, a visible
 * focus ring, and colors with at least 4.5:1 contrast for text (3:1 for borders and the focus ring).
 */
export const STYLESHEET = `
:root{--fg:#1b1f24;--muted:#57606a;--bg:#fff;--line:#d0d7de;--soft:#f6f8fa;--accent:#0b57d0;--ok:#0d652d;--ok-bg:#e6f4ea;--bad:#a50e0e;--bad-bg:#fce8e6;--me:#fff4ce}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,"Liberation Sans",sans-serif;color:var(--fg);background:var(--bg);overflow-wrap:anywhere}
a{color:var(--accent)}
:focus-visible{outline:3px solid #c2410c;outline-offset:2px}
.skip{position:absolute;left:-9999px;top:0;background:var(--fg);color:#fff;padding:8px 12px;z-index:2}
.skip:focus{left:8px;top:8px}
.site{border-bottom:1px solid var(--line);background:var(--soft)}
.bar{max-width:44rem;margin:0 auto;padding:8px 16px;display:flex;flex-wrap:wrap;gap:4px 16px;align-items:center;justify-content:space-between}
.brand{font-weight:700;color:var(--fg);text-decoration:none;font-size:1.1rem}
.site ul{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:4px 14px;align-items:center}
.site a,.site button.link{display:inline-block;padding:8px 0}
main{display:block;max-width:44rem;margin:0 auto;padding:12px 16px 32px}
main:focus{outline:none}
footer{max-width:44rem;margin:0 auto;padding:16px;color:var(--muted);font-size:14px;border-top:1px solid var(--line)}
h1{font-size:1.5rem;line-height:1.25;margin:.5rem 0 1rem}
h2{font-size:1.2rem;margin:1.75rem 0 .5rem}
h3{font-size:1.05rem;margin:1rem 0 .25rem}
p{margin:.5rem 0}
button,.button{font:inherit;font-weight:600;background:var(--accent);color:#fff;border:2px solid var(--accent);border-radius:8px;padding:8px 16px;min-height:44px;cursor:pointer;text-decoration:none;display:inline-block;text-align:center}
button.secondary,.button.secondary{background:#fff;color:var(--accent)}
button.danger{background:#fff;color:var(--bad);border-color:var(--bad)}
button.link{background:none;border:0;color:var(--accent);padding:0;min-height:0;font-weight:400;text-decoration:underline}
input,select{font:inherit;padding:8px;border:1px solid #6e7781;border-radius:6px;min-height:44px;max-width:100%;background:#fff;color:var(--fg)}
input[type=checkbox],input[type=radio]{min-height:0;width:22px;height:22px;margin:2px 0 0;flex:none;accent-color:var(--accent)}
label{font-weight:600}
.field{display:flex;flex-direction:column;gap:4px;margin:0 0 12px}
.field input,.field select{width:100%}
.check{display:flex;gap:10px;align-items:flex-start;font-weight:400;margin:0 0 12px}
.row{display:flex;flex-wrap:wrap;gap:8px 12px;align-items:flex-end;margin:0 0 12px}
.row .field{margin:0;flex:1 1 9rem}
form.inline{display:inline}
.actions{display:flex;flex-wrap:wrap;gap:8px;margin:8px 0}
.muted{color:var(--muted)}
.small{font-size:14px}
.flash{background:var(--ok-bg);color:var(--ok);padding:10px 12px;border-radius:8px;margin:0 0 12px}
.error{background:var(--bad-bg);color:var(--bad);padding:10px 12px;border-radius:8px;margin:0 0 12px}
.error p{margin:.25rem 0}
.card{border:1px solid var(--line);border-radius:10px;padding:12px;margin:0 0 12px}
.card h2,.card h3{margin-top:0}
.list{list-style:none;padding:0;margin:0}
.tag{display:inline-block;font-size:14px;font-weight:600;border-radius:999px;padding:0 8px;border:1px solid currentColor}
.tag.open{color:var(--ok)}.tag.locked{color:var(--bad)}.tag.live{color:#8a4b00}
.score{font-size:1.6rem;font-weight:700;font-variant-numeric:tabular-nums}
table{border-collapse:collapse;width:100%;font-size:15px}
caption{text-align:left;font-weight:600;padding:4px 0}
th,td{text-align:left;padding:6px 4px;border-bottom:1px solid var(--line);vertical-align:top;overflow-wrap:break-word}
.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
tr.me{background:var(--me);font-weight:600}
.players{list-style:none;padding:0;margin:0 0 12px}
.players li{border-bottom:1px solid var(--line)}
.players label{display:flex;gap:10px;align-items:flex-start;padding:10px 2px;font-weight:400;cursor:pointer}
.players .name{font-weight:600}
.players .meta{display:block;color:var(--muted);font-size:14px}
fieldset{border:0;padding:0;margin:0 0 12px;min-width:0}
legend{font-weight:700;font-size:1.05rem;padding:0;margin:12px 0 4px}
.qr svg{width:100%;max-width:220px;height:auto;display:block;border:1px solid var(--line)}
.sr{position:absolute;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0}
dl.facts{display:grid;grid-template-columns:auto 1fr;gap:2px 12px;margin:8px 0}
dl.facts dt{font-weight:600}
dl.facts dd{margin:0}
code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:14px}
pre{white-space:pre-wrap;overflow-wrap:anywhere;background:var(--soft);padding:8px;border-radius:6px;font-size:13px}
.secret{display:block;background:var(--soft);padding:8px;border-radius:6px;font-family:ui-monospace,Menlo,Consolas,monospace;word-break:break-all}
details{margin:0 0 8px;font-size:15px}
details h4{margin:8px 0 2px}
summary{cursor:pointer;padding:6px 0}
.method{display:inline-block;min-width:4.5em;font-weight:700;font-family:ui-monospace,Menlo,Consolas,monospace}
[hidden]{display:none!important}
`;
