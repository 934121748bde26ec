// The playground page, part 1 of 5: shared state, small helpers, and message text rebuilt
// from entities. Every piece of text goes in through textContent, never as markup.
// The page's scripts are classic scripts run in order (defer): they share one global scope.
"use strict";

const ROLES = ["customer", "group", "admin"];
const panes = {};
let generation = -1;
let seq = 0;
let source = null;
let retryTimer = null;
let language = "vi";
let activeTab = "customer";
const PHONE = window.matchMedia("(max-width: 760px)");
// Every time on the page is the shop's: Vietnam time, whatever the machine's clock says.
const SHOP_ZONE = "Asia/Ho_Chi_Minh";
const CLOCK = new Intl.DateTimeFormat("en-GB", {
  timeZone: SHOP_ZONE, hour: "2-digit", minute: "2-digit", hourCycle: "h23",
});
const FULL_DATE = new Intl.DateTimeFormat("en-GB", {
  timeZone: SHOP_ZONE, day: "2-digit", month: "2-digit", year: "numeric",
  hour: "2-digit", minute: "2-digit", hourCycle: "h23",
});
// Closer than this to the bottom counts as reading the newest messages.
const FOLLOW_SLACK = 48;

// ------------------------------------------------------------------ small helpers

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = text;
  return node;
}

function fullName(user) {
  if (!user) return "";
  return user.last_name ? `${user.first_name} ${user.last_name}` : user.first_name;
}

function clock(seconds) {
  return CLOCK.format(new Date(seconds * 1000));
}

function fullDate(seconds) {
  return `${FULL_DATE.format(new Date(seconds * 1000)).replace(",", "")} — giờ Việt Nam · Vietnam time (UTC+7)`;
}

function safeUrl(url) {
  try {
    const parsed = new URL(url);
    return ["http:", "https:"].includes(parsed.protocol) ? parsed.href : null;
  } catch (_err) {
    return null;
  }
}

function setStatus(state, text) {
  const status = document.getElementById("status");
  status.dataset.state = state;
  status.textContent = text;
}

async function post(path, body) {
  const response = await fetch(path, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body || {}),
  });
  let data = {};
  try {
    data = await response.json();
  } catch (_err) {
    data = {};
  }
  if (!response.ok) throw new Error(data.error || `HTTP ${response.status}`);
  return data;
}

// ------------------------------------------------------------------ entities -> DOM

function entityNode(entity, text) {
  switch (entity.type) {
    case "bold": return el("b");
    case "italic": return el("i");
    case "underline": return el("u");
    case "strikethrough": return el("s");
    case "code": return el("code");
    case "pre": return el("pre");
    case "blockquote":
    case "expandable_blockquote": return el("blockquote");
    case "spoiler": {
      const node = el("span", "spoiler");
      node.addEventListener("click", () => node.classList.add("revealed"));
      return node;
    }
    case "text_link":
    case "url": {
      const href = safeUrl(entity.type === "url" ? text : entity.url);
      if (!href) return el("span");
      const link = el("a");
      link.href = href;
      link.target = "_blank";
      link.rel = "noopener noreferrer";
      return link;
    }
    default: return el("span", `entity-${entity.type.replace(/[^a-z_]/g, "")}`);
  }
}

// Entities nest (offsets and lengths count UTF-16 code units, as JavaScript strings do).
function renderText(parent, text, entities) {
  const sorted = [...(entities || [])].sort((a, b) => a.offset - b.offset || b.length - a.length);
  function build(into, start, end, list) {
    let pos = start;
    let i = 0;
    while (i < list.length) {
      const entity = list[i];
      if (entity.offset < pos) { i += 1; continue; }
      const stop = entity.offset + entity.length;
      into.append(document.createTextNode(text.slice(pos, entity.offset)));
      const inner = [];
      let j = i + 1;
      while (j < list.length && list[j].offset < stop) {
        if (list[j].offset + list[j].length <= stop) inner.push(list[j]);
        j += 1;
      }
      const node = entityNode(entity, text.slice(entity.offset, stop));
      into.append(node);
      build(node, entity.offset, stop, inner);
      pos = stop;
      i = j;
    }
    into.append(document.createTextNode(text.slice(pos, end)));
  }
  build(parent, 0, text.length, sorted);
}
