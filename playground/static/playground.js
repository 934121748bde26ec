// The playground page: renders the emulator's chats as Telegram would and acts as the people.
// Every piece of text goes in through textContent: message markup is rebuilt from entities.
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

// ------------------------------------------------------------------ panes

// What every chat pane has: its copy of the chat template, messages that follow the newest
// unless the person scrolled up, a "new messages" marker, a toast, an unread count on its tab.
class ChatPane {
  constructor(role) {
    this.role = role;
    this.section = document.getElementById(`pane-${role}`);
    const old = this.section.querySelector(".chat");
    if (old) old.remove();
    this.section.append(document.getElementById("chat-template").content.cloneNode(true));
    const root = this.section.querySelector(".chat");
    this.root = root;
    this.messages = root.querySelector(".messages");
    this.title = root.querySelector(".title");
    this.subtitle = root.querySelector(".subtitle");
    this.avatar = root.querySelector(".avatar");
    this.input = root.querySelector(".composer .text");
    this.toast = root.querySelector(".toast");
    this.marker = root.querySelector(".new-marker");
    this.tab = document.querySelector(`.tabs button[data-tab="${role}"]`);
    this.following = true;
    this.unread = 0;
    this.toastTimer = null;
    // Follow the conversation unless the person scrolled up to read.
    this.messages.addEventListener("scroll", () => {
      this.following = this.atBottom();
      if (this.following) this.marker.hidden = true;
    });
    this.marker.addEventListener("click", () => this.scrollDown());
  }

  atBottom() {
    const m = this.messages;
    return m.scrollHeight - m.scrollTop - m.clientHeight <= FOLLOW_SLACK;
  }

  countUnread() {
    if (!PHONE.matches || activeTab === this.role) return;
    this.unread += 1;
    this.showUnread();
  }

  clearUnread() {
    this.unread = 0;
    this.showUnread();
  }

  showUnread() {
    if (!this.tab) return;
    const badge = this.tab.querySelector(".unread");
    badge.textContent = this.unread > 99 ? "99+" : String(this.unread);
    badge.hidden = this.unread === 0;
    this.tab.setAttribute("aria-label", this.unread
      ? `${this.tab.dataset.label} — ${this.unread} tin mới · new`
      : this.tab.dataset.label);
  }

  scrollDown() {
    this.messages.scrollTop = this.messages.scrollHeight;
    this.following = true;
    this.marker.hidden = true;
  }

  showToast(text) {
    this.toast.textContent = text;
    this.toast.hidden = false;
    clearTimeout(this.toastTimer);
    this.toastTimer = setTimeout(() => { this.toast.hidden = true; }, 2600);
  }
}

class Pane extends ChatPane {
  constructor(role) {
    super(role);
    const root = this.root;
    this.startBar = root.querySelector(".start-bar");
    this.keyboard = root.querySelector(".reply-keyboard");
    this.kbToggle = root.querySelector(".kb-toggle");
    this.alertBox = root.querySelector(".alert-backdrop");
    this.nodes = new Map();
    this.keyboardHidden = false;
    this.userMessages = 0;
    this.actionTimer = null;
    root.querySelector(".composer").addEventListener("submit", (event) => {
      event.preventDefault();
      this.sendText(this.input.value);
    });
    root.querySelector(".start").addEventListener("click", () => this.sendText("/start"));
    this.kbToggle.addEventListener("click", () => {
      this.keyboardHidden = !this.keyboardHidden;
      this.keyboard.hidden = this.keyboardHidden || !this.keyboard.childElementCount;
    });
    root.querySelector(".alert-ok").addEventListener("click", () => { this.alertBox.hidden = true; });
    // A reply keyboard that appears or grows shrinks the messages: keep the newest in view.
    new ResizeObserver(() => { if (this.following) this.scrollDown(); }).observe(this.messages);
  }

  // Something new or changed: show it, or tell a reader who scrolled up that it is there.
  follow() {
    if (this.following) {
      this.scrollDown();
      return;
    }
    // Just above the bottom of the messages, whatever the keyboard below them takes.
    const below = this.root.clientHeight - this.messages.offsetTop - this.messages.clientHeight;
    this.marker.style.bottom = `${below + 10}px`;
    this.marker.hidden = false;
  }

  setInfo(info, bot) {
    this.info = info;
    const isGroup = info.type !== "private";
    const name = isGroup ? info.title : fullName(bot);
    this.title.textContent = name;
    this.avatar.textContent = (name || "?").trim().charAt(0).toUpperCase();
    this.avatar.style.background = isGroup ? "#e8a317" : "#2aabee";
    const me = fullName(info.me);
    const lang = info.me.language_code ? ` (${info.me.language_code})` : "";
    this.baseSubtitle = isGroup
      ? `nhóm · group — bạn là · you are ${me}`
      : `bot — bạn là · you are ${me}${lang}`;
    if (!this.actionTimer) this.subtitle.textContent = this.baseSubtitle;
    const keyboard = JSON.stringify(info.reply_keyboard || null);
    if (keyboard !== this.keyboardJson) {
      this.keyboardJson = keyboard;
      this.renderKeyboard(info.reply_keyboard);
    }
    this.startBar.hidden = isGroup || this.userMessages > 0;
    if (this.following) this.scrollDown();
  }

  renderKeyboard(markup) {
    this.keyboard.replaceChildren();
    const rows = (markup && markup.keyboard) || [];
    rows.forEach((row, r) => {
      const line = el("div", "row");
      row.forEach((button, c) => {
        const label = typeof button === "string" ? button : button.text;
        const node = el("button", "", label);
        node.type = "button";
        node.addEventListener("click", () => this.act("reply", { row: r, col: c }));
        line.append(node);
      });
      this.keyboard.append(line);
    });
    this.kbToggle.hidden = rows.length === 0;
    this.keyboard.hidden = rows.length === 0 || this.keyboardHidden;
    this.input.placeholder = (markup && markup.input_field_placeholder) || "Tin nhắn · Message";
  }

  async act(kind, body) {
    try {
      const answer = await post(`/api/chats/${this.role}/${kind}`, body);
      if (answer.url) {
        const href = safeUrl(answer.url);
        if (href) window.open(href, "_blank", "noopener,noreferrer");
      }
      return true;
    } catch (err) {
      this.showToast(`⚠️ ${err.message}`);
      return false;
    }
  }

  async sendText(text) {
    if (!text.trim()) return;
    if (await this.act("send", { text })) this.input.value = "";
  }

  showAlert(text) {
    this.alertBox.querySelector(".alert-text").textContent = text;
    this.alertBox.hidden = false;
  }

  messageNode(msg) {
    const wrap = el("div", msg.from_bot ? "msg in" : "msg out");
    wrap.dataset.messageId = String(msg.message_id);
    const bubble = el("div", "bubble");
    wrap.append(bubble);
    if (this.info && this.info.type !== "private" && !msg.from_bot) {
      bubble.append(el("div", "sender", fullName(msg.sender)));
    }
    if (msg.photo_file_id) {
      const img = el("img", "photo");
      img.src = `/api/files/${encodeURIComponent(msg.photo_file_id)}`;
      img.alt = "ảnh · photo";
      img.loading = "lazy";
      img.addEventListener("load", () => { if (this.following) this.scrollDown(); }, { once: true });
      img.addEventListener("click", () => window.open(img.src, "_blank", "noopener"));
      bubble.append(img);
    }
    if (msg.document) {
      const link = el("a", "document", `📎 ${msg.document.file_name || "file"}`);
      link.href = `/api/files/${encodeURIComponent(msg.document.file_id)}`;
      bubble.append(link);
    }
    if (msg.contact) {
      const who = [msg.contact.first_name, msg.contact.last_name].filter(Boolean).join(" ");
      bubble.append(el("div", "contact", `👤 ${who}\n📞 ${msg.contact.phone_number}`));
    }
    if (msg.location) {
      bubble.append(el("div", "location",
        `📍 Vị trí · Location ${msg.location.latitude}, ${msg.location.longitude}`));
    }
    if (msg.text) {
      const body = el("div", "body");
      renderText(body, msg.text, msg.entities);
      bubble.append(body);
    }
    const edited = msg.version > 0 ? "đã sửa · edited  " : "";
    const meta = el("div", "meta", `${edited}${clock(msg.date)}`);
    meta.title = fullDate(msg.date);
    bubble.append(meta);
    const rows = (msg.reply_markup && msg.reply_markup.inline_keyboard) || [];
    if (rows.length) {
      const kb = el("div", "inline-kb");
      rows.forEach((row, r) => {
        const line = el("div", "row");
        row.forEach((button, c) => {
          const node = el("button", button.url ? "link" : "", button.text);
          node.type = "button";
          node.addEventListener("click", () => this.act("press", {
            message_id: msg.message_id, row: r, col: c,
          }));
          line.append(node);
        });
        kb.append(line);
      });
      wrap.append(kb);
    }
    return wrap;
  }

  system(text, className) {
    const node = el("div", `system ${className || ""}`.trim());
    if (Array.isArray(text)) {
      node.append(el("strong", "", text[0]), document.createTextNode(text[1]));
    } else {
      node.textContent = text;
    }
    this.messages.append(node);
    return node;
  }

  apply(event, live) {
    const msg = event.message;
    switch (event.kind) {
      case "user_message":
      case "bot_message": {
        if (!msg.from_bot) this.userMessages += 1;
        const node = this.messageNode(msg);
        this.nodes.set(msg.message_id, node);
        this.messages.append(node);
        if (msg.from_bot) this.clearAction();
        if (live) this.countUnread();
        break;
      }
      case "edited": {
        const old = this.nodes.get(msg.message_id);
        const node = this.messageNode(msg);
        this.nodes.set(msg.message_id, node);
        if (old) old.replaceWith(node); else this.messages.append(node);
        if (live) {
          node.classList.add("flash");
          this.countUnread();
        }
        this.follow();
        return;
      }
      case "deleted": {
        const old = this.nodes.get(msg.message_id);
        if (old) old.remove();
        this.nodes.delete(msg.message_id);
        return;
      }
      case "error": {
        const retry = event.error_code === 429 ? " — bot đợi rồi gửi lại · the bot waits and retries" : "";
        this.system([
          `⚠️ Telegram từ chối · rejected ${event.method}`,
          `${event.error_code}: ${event.description}${retry}`,
        ], "error");
        break;
      }
      case "callback_answer":
        if (live && event.text) {
          if (event.show_alert) this.showAlert(event.text); else this.showToast(event.text);
        }
        return;
      case "chat_action":
        if (live) this.showAction(event.text);
        return;
      case "member": {
        const who = fullName(event.user);
        const joined = ["member", "administrator"].includes(event.data.new);
        this.system(joined
          ? `${who} đã thêm bot vào nhóm · added the bot to the group`
          : `${who}: bot ${event.data.old} → ${event.data.new}`);
        break;
      }
      default:
        return;
    }
    this.follow();
  }

  showAction(action) {
    const words = { typing: "đang nhập… · typing…", upload_photo: "đang gửi ảnh… · sending a photo…" };
    this.subtitle.textContent = words[action] || `${action}…`;
    clearTimeout(this.actionTimer);
    this.actionTimer = setTimeout(() => this.clearAction(), 5000);
  }

  clearAction() {
    clearTimeout(this.actionTimer);
    this.actionTimer = null;
    if (this.baseSubtitle) this.subtitle.textContent = this.baseSubtitle;
  }
}

// The producer's staff member on Zalo: plain text both ways (Zalo bots have no buttons).
class ZaloPane extends ChatPane {
  constructor() {
    super("zalo");
    const root = this.root;
    // Zalo bots have no buttons, keyboards or alerts: plain text both ways.
    const unused = ".start-bar, .reply-keyboard, .kb-toggle, .alert-backdrop";
    root.querySelectorAll(unused).forEach((part) => part.remove());
    this.avatar.textContent = "Z";
    this.input.maxLength = 2000;
    this.input.placeholder = "Tin nhắn Zalo · Zalo message";
    this.input.setAttribute("aria-label", "Tin nhắn Zalo / Zalo message");
    this.shown = 0;
    root.querySelector(".composer").addEventListener("submit", async (event) => {
      event.preventDefault();
      const text = this.input.value;
      if (!text.trim()) return;
      try {
        await post("/api/zalo/send", { text });
        this.input.value = "";
      } catch (err) {
        this.showToast(`⚠️ ${err.message}`);
      }
    });
  }

  render(state, live) {
    this.title.textContent = `${state.bot} · Zalo`;
    const me = state.me ? state.me.display_name : "";
    this.subtitle.textContent = `bot Zalo — bạn là · you are ${me}`;
    // Zalo messages are never edited or deleted: only new ones are added.
    for (const msg of state.messages.slice(this.shown)) {
      const wrap = el("div", msg.from_bot ? "msg in" : "msg out");
      wrap.dataset.messageId = msg.id;
      const bubble = el("div", "bubble");
      bubble.append(el("div", "body", msg.text));
      const meta = el("div", "meta", clock(msg.date / 1000));
      meta.title = fullDate(msg.date / 1000);
      bubble.append(meta);
      wrap.append(bubble);
      this.messages.append(wrap);
      if (live) this.countUnread();
    }
    if (state.messages.length > this.shown) {
      this.shown = state.messages.length;
      if (this.following) this.scrollDown(); else this.marker.hidden = false;
    }
  }
}

// ------------------------------------------------------------------ state and live updates

function setLanguage(value) {
  language = value;
  document.querySelectorAll(".lang button").forEach((button) => {
    button.setAttribute("aria-pressed", String(button.dataset.lang === value));
  });
}

async function load() {
  clearTimeout(retryTimer);
  if (source) { source.close(); source = null; }
  let state;
  try {
    const response = await fetch("/api/state", { cache: "no-store" });
    state = await response.json();
  } catch (_err) {
    setStatus("connecting", "mất kết nối · offline…");
    retryTimer = setTimeout(load, 1000);
    return;
  }
  if (!state.ready) {
    setStatus("connecting", "đang khởi động · starting…");
    retryTimer = setTimeout(load, 500);
    return;
  }
  generation = state.generation;
  seq = state.seq;
  setLanguage(state.language);
  for (const role of ROLES) {
    const pane = new Pane(role);
    panes[role] = pane;
    const info = state.chats[role];
    for (const event of info.events) pane.apply(event, false);
    pane.setInfo(info, state.bot);
    pane.scrollDown();
  }
  panes.zalo = new ZaloPane();
  panes.zalo.render(state.zalo, false);
  document.body.dataset.ready = "true";
  document.body.dataset.generation = String(generation);
  connect(state.bot);
}

function connect(bot) {
  source = new EventSource(`/api/events?generation=${generation}&after=${seq}`);
  source.onopen = () => setStatus("live", "trực tuyến · live");
  source.onmessage = (message) => {
    const data = JSON.parse(message.data);
    if (data.type === "reload") {
      load();
      return;
    }
    for (const event of data.events) {
      const pane = panes[event.role];
      if (pane) pane.apply(event, true);
    }
    seq = data.seq;
    for (const role of ROLES) panes[role].setInfo(data.chats[role], bot);
    if (data.zalo && panes.zalo) panes.zalo.render(data.zalo, true);
  };
  source.onerror = () => {
    // The server went away (restart, reset): reconnect and take the whole state again.
    source.close();
    source = null;
    setStatus("connecting", "đang kết nối lại · reconnecting…");
    retryTimer = setTimeout(load, 1000);
  };
}

function selectTab(role) {
  activeTab = role;
  if (panes[role]) {
    panes[role].clearUnread();
    panes[role].scrollDown();
  }
  document.querySelectorAll(".tabs button").forEach((button) => {
    button.setAttribute("aria-selected", String(button.dataset.tab === role));
  });
  document.querySelectorAll(".pane").forEach((pane) => {
    pane.classList.toggle("active", pane.dataset.role === role);
  });
}

async function control(path, body, busyText) {
  setStatus("connecting", busyText);
  try {
    await post(path, body);
  } catch (err) {
    if (panes.customer) panes.customer.showToast(`⚠️ ${err.message}`);
  }
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll(".tabs button").forEach((button) => {
    button.addEventListener("click", () => selectTab(button.dataset.tab));
  });
  document.querySelectorAll(".lang button").forEach((button) => {
    button.addEventListener("click", () => {
      if (button.dataset.lang === language) return;
      control("/api/customer", { language: button.dataset.lang }, "khách mới · new customer…");
    });
  });
  document.querySelector(".new-customer").addEventListener("click", () => {
    control("/api/customer", { language }, "khách mới · new customer…");
  });
  const reset = document.getElementById("reset");
  reset.addEventListener("click", async () => {
    reset.disabled = true;
    await control("/api/reset", {}, "đang đặt lại · resetting…");
    reset.disabled = false;
  });
  load();
});
