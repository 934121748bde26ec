// The playground page, part 3 of 5: a Telegram chat as a Telegram client shows it.
"use strict";

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
