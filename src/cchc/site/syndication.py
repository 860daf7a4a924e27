"""Feeds and the radio for one load of the model: feed settings, the broadcast (automatic readings and bulletins,
kept across the preview's updates), the catalogue of feeds with their items, and writing them."""

from __future__ import annotations

import dataclasses
import logging
import os
from pathlib import Path
from urllib.parse import urlsplit

from mkdocs.exceptions import PluginError

from ..content.corpus import Corpus
from ..content.safety import plain
from ..radio.broadcast import Broadcast
from ..radio.cover import COVER, CoverError, write_cover
from ..radio.voice import VoiceError, missing_programs
from .feeds import ARCHIVE, Feed, FeedBuilder, FeedSettings
from .views import SiteViews

log = logging.getLogger("mkdocs.plugins.cchc")
RADIO_FEED = "phat-thanh/rss.xml"
SHARED_FEEDS = ("rss", "atom")  # kinds of feed the pages helper writes: without automatic readings


def feed_settings(config, feed_id: str, podcast_image: str, corpus: Corpus) -> FeedSettings:
    site_url = (config.site_url or "http://127.0.0.1:8000/").rstrip("/") + "/"
    feed_id = feed_id or f"tag:{urlsplit(site_url).hostname},2024:"
    image = podcast_image if podcast_image and (Path(config.docs_dir) / podcast_image).is_file() else COVER
    name, description = plain(config.site_name), plain(config.site_description or config.site_name)
    portal = corpus.settings.portal
    return FeedSettings(site_url, name, description, feed_id, portal.name if portal else name, image,
                        corpus.settings.radio)


class Radio:
    """The automatic readings and bulletins; kept across the preview's updates while nothing they read from
    changes (its readings in progress and their keys stay valid)."""

    def __init__(self) -> None:
        self._given: tuple | None = None
        self.broadcast: Broadcast | None = None

    def broadcast_for(self, config, corpus: Corpus, settings: FeedSettings, drafts: bool) -> Broadcast:
        radio, glossary = corpus.settings.radio, corpus.glossary
        given = (radio, glossary, settings.site_name, settings.publisher)
        if self._given == given and self.broadcast is not None:
            return self.broadcast
        self._given = given
        if radio.voice.engine and (missing := missing_programs(radio.voice)):
            message = (f"Máy chưa cài {', '.join(missing)} để làm bản đọc tự động cho phát thanh — chạy `make voice` "
                       "(cài espeak-ng và lame của Debian), hoặc tắt bản đọc tự động bằng dòng `voice: tắt` trong mục "
                       "radio: của mkdocs.yml (README, mục Phát thanh)")
            if not drafts:
                raise PluginError(message)
            log.warning(message)
            radio = dataclasses.replace(radio, voice=dataclasses.replace(radio.voice, engine=""))
        root = Path(config.config_file_path).parent
        cache = Path(os.environ.get("CCHC_AUDIO_CACHE") or root / "build" / "cache" / "audio")
        self.broadcast = Broadcast(radio, cache, Path(config.docs_dir), settings.site_name, settings.publisher,
                                   glossary)
        return self.broadcast


def catalogue(feeds: FeedBuilder, site: SiteViews, broadcast: Broadcast) -> list[tuple[Feed, list]]:
    """Every feed with its items; the radio items' pages learn whether they carry their own reading, and the
    radio and feeds pages are added to the site's views."""
    result = feeds.catalogue(site.by_topic, site.by_unit)
    radio_items = next(items for feed, items in result if feed.path == RADIO_FEED)
    archived = list({i.url: i for feed, items in result if feed.kind == "radio" and feed.path != RADIO_FEED
                     for i in items}.values())  # merged portals' radio feeds: read, never in a bulletin
    broadcast.plan(radio_items, feeds.current, archived)
    for item in radio_items + archived:  # in the View, so the preview re-renders a page whose reading comes or goes
        if item.url in broadcast.read_here:
            site.views[item.src_uri].data["reading"] = "page" if broadcast.shows_reading(item) else "bulletin"
    if broadcast.readings.enabled:
        result.append(feeds.bulletin_feed(broadcast.bulletins))
    site.add_radio_pages(broadcast.bulletins, broadcast.readings.enabled)
    site.add_feeds_page([(feed, len(items)) for feed, items in result if not feed.path.startswith(ARCHIVE + "/")])
    return result


def write_radio_cover(settings: FeedSettings, site_dir: Path) -> None:
    """The radio feeds' cover, drawn with the portal's name, unless the site names an image of its own."""
    if settings.image == COVER:
        try:
            write_cover(site_dir / COVER, settings.site_name, settings.publisher)
        except CoverError as exc:
            raise PluginError(f"Chưa vẽ được ảnh bìa: {exc}") from None


def write_feeds(feeds: FeedBuilder, site_dir: Path, entries, forget: bool = True) -> None:
    """Each feed, with the automatic readings and bulletins its episodes carry."""
    for feed, items in entries:
        target = site_dir / feed.path
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            target.write_bytes(feeds.render(feed, items))
        except VoiceError as exc:
            raise PluginError(f"Chưa làm được bản đọc tự động cho phát thanh: {exc}. Sửa cài đặt giọng đọc "
                              "(mục radio: của mkdocs.yml) hoặc tắt bằng dòng `voice: tắt`.") from None
    if forget:
        feeds.forget()  # the entries shared between feeds: the preview keeps the builder
