// The playground page, part 4 of 5: a person on the shop's Facebook Page, as Messenger shows
// the conversation — each answer a new message (Messenger cannot edit one), carousels of
// cards, button templates, quick replies under the latest message, Get Started, the Page's
// menu — and the Page's livestream post to comment under (a comment is answered in private).
"use strict";

class MessengerPane extends ChatPane {
  constructor() {
    super("messenger");
    const root = this.root;
    root.querySelector(".alert-backdrop").remove();
    this.startBar = root.querySelector(".start-bar");
    this.startBar.querySelector(".start").textContent = "Bắt đầu · Get Started";
    this.replies = root.querySelector(".reply-keyboard");
    this.replies.classList.add("quick-replies");
    this.menuToggle = root.querySelector(".kb-toggle");
    this.menuToggle.textContent = "☰";
    this.menuToggle.title = "Menu của Trang · The Page's menu";
    this.menuList = el("div", "page-menu");
    this.menuList.hidden = true;
    root.querySelector(".composer").before(this.menuList);
    this.avatar.textContent = "f";
    this.input.maxLength = 2000;
    this.input.placeholder = "Aa · Tin nhắn Messenger";
    this.input.setAttribute("aria-label", "Tin nhắn Messenger / Messenger message");
    this.post = this.section.querySelector(".fb-post");
    this.psid = null;
    this.shown = 0;
    this.menuJson = "";
    root.querySelector(".composer").addEventListener("submit", async (event) => {
      event.preventDefault();
      const text = this.input.value;
      if (!text.trim()) return;
      if (await this.act("send", { text })) this.input.value = "";
    });
    this.startBar.querySelector(".start").addEventListener("click", () => this.act("start", {}));
    this.menuToggle.addEventListener("click", () => { this.menuList.hidden = !this.menuList.hidden; });
    this.post.querySelector("form").addEventListener("submit", async (event) => {
      event.preventDefault();
      const input = this.post.querySelector("input");
      if (!input.value.trim()) return;
      if (await this.act("comment", { text: input.value })) input.value = "";
    });
    new ResizeObserver(() => { if (this.following) this.scrollDown(); }).observe(this.messages);
  }

  async act(kind, body) {
    try {
      const answer = await post(`/api/messenger/${kind}`, body);
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

  buttons(list, where) {
    const box = el("div", "fb-buttons");
    list.forEach((button, place) => {
      const node = el("button", button.type === "postback" ? "" : "link", button.title);
      node.type = "button";
      node.addEventListener("click", () => this.act("button", { ...where, button: place }));
      box.append(node);
    });
    return box;
  }

  messageNode(msg) {
    const wrap = el("div", msg.from_page ? "msg in" : "msg out");
    wrap.dataset.index = String(msg.index);
    if (msg.private_reply) {
      wrap.append(el("div", "private-reply", "↩ Trả lời riêng bình luận của bạn · A private reply to your comment"));
    }
    if (msg.cards) {
      const row = el("div", "cards");
      msg.cards.forEach((card, number) => {
        const node = el("div", "card");
        node.append(el("div", "card-title", card.title));
        if (card.subtitle) node.append(el("div", "card-subtitle", card.subtitle));
        node.append(this.buttons(card.buttons, { message: msg.index, card: number }));
        row.append(node);
      });
      wrap.append(row);
    } else {
      const bubble = el("div", "bubble");
      if (msg.image) {
        const img = el("img", "photo");
        img.src = `/api/messenger/files/${encodeURIComponent(msg.image)}`;
        img.alt = "ảnh · photo";
        img.addEventListener("load", () => { if (this.following) this.scrollDown(); }, { once: true });
        bubble.append(img);
      }
      let text = msg.text;
      if (!msg.from_page && msg.action === "sticker") text = "👍";
      if (text) bubble.append(el("div", "body", text));
      if (msg.buttons) bubble.append(this.buttons(msg.buttons, { message: msg.index, card: null }));
      const meta = el("div", "meta", clock(msg.date));
      meta.title = fullDate(msg.date);
      bubble.append(meta);
      wrap.append(bubble);
    }
    return wrap;
  }

  render(state, live) {
    this.title.textContent = `${state.page.name} · Messenger`;
    const me = state.me ? state.me.name : "";
    this.subtitle.textContent = state.typing
      ? "đang nhập… · typing…"
      : `Trang Facebook · Facebook Page — bạn là · you are ${me}`;
    const psid = state.me ? state.me.psid : null;
    if (psid !== this.psid) {
      // Another person: another thread.
      this.psid = psid;
      this.shown = 0;
      this.messages.replaceChildren();
    }
    // What sits around the messages first: their height must be final before following.
    this.renderReplies(state.quick_replies);
    this.renderMenu(state.menu);
    this.startBar.hidden = !(state.get_started && state.messages.length === 0);
    this.renderPost(state.post);
    // Messenger never edits a sent message: only new ones are added (a referral shows none).
    for (const msg of state.messages.slice(this.shown)) {
      if (msg.action === "referral") continue;
      this.messages.append(this.messageNode(msg));
      if (live && msg.from_page) this.countUnread();
    }
    if (state.messages.length > this.shown) {
      this.shown = state.messages.length;
      this.follow();
    }
  }

  // Something new: show it, or tell a reader who scrolled up that it is there.
  follow() {
    if (this.following) {
      this.scrollDown();
      return;
    }
    // Just above the bottom of the messages, whatever the quick replies below them take.
    const below = this.root.clientHeight - this.messages.offsetTop - this.messages.clientHeight;
    this.marker.style.bottom = `${below + 10}px`;
    this.marker.hidden = false;
  }

  renderReplies(replies) {
    this.replies.replaceChildren();
    replies.forEach((reply, index) => {
      const label = reply.kind === "user_phone_number" ? "📞 Số điện thoại của tôi · My phone"
        : reply.kind === "user_email" ? "✉️ Email" : reply.title;
      const node = el("button", "", label);
      node.type = "button";
      node.addEventListener("click", () => this.act("quick-reply", { index }));
      this.replies.append(node);
    });
    this.replies.hidden = replies.length === 0;
  }

  renderMenu(items) {
    const json = JSON.stringify(items);
    if (json === this.menuJson) return;
    this.menuJson = json;
    this.menuList.replaceChildren();
    items.forEach((title, index) => {
      const node = el("button", "", title);
      node.type = "button";
      node.addEventListener("click", async () => {
        this.menuList.hidden = true;
        await this.act("menu", { index });
      });
      this.menuList.append(node);
    });
    this.menuToggle.hidden = items.length === 0;
  }

  renderPost(data) {
    this.post.hidden = !data;
    if (!data) return;
    this.post.querySelector(".post-text").textContent = data.text;
    const list = this.post.querySelector(".comments");
    list.replaceChildren(...data.comments.map((comment) => el("div", "comment", `💬 ${comment.text}`)));
  }
}
