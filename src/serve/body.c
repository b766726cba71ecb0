/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
/*
 * Body transfer: the pieces of a planned body through sendfile(2) or
 * pread(2) and write, the change checks around them, the pacing.
 */
#include "autoconfig.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <unistd.h>

#include "accesslog.h"
#include "body.h"
#include "count.h"
#include "log.h"
#include "outq.h"

/*
 * True if fd still has the size, mtime and ctime it had when opened.
 * ctime catches a rewrite that put the old mtime back (touch -d, rsync
 * --inplace -t); it also changes when the file is unlinked, as by the
 * rename of a replacement, which leaves these bytes alone: so a change
 * of ctime that comes with a change of the link count is let pass.
 */
static bool
body_unchanged(int fd, const struct stat *st)
{
	struct stat now;

	return fstat(fd, &now) == 0 && now.st_size == st->st_size &&
	    now.st_mtim.tv_sec == st->st_mtim.tv_sec &&
	    now.st_mtim.tv_nsec == st->st_mtim.tv_nsec &&
	    (now.st_nlink != st->st_nlink ||
		(now.st_ctim.tv_sec == st->st_ctim.tv_sec &&
		    now.st_ctim.tv_nsec == st->st_ctim.tv_nsec));
}

/* Body bytes that left: counted at once, so a long download shows. */
static void
body_count(struct body *b, off_t n)
{
	if (b->stats != NULL)
		stats_add(&b->stats->sent_bytes, (uint64_t)n);
}

/*
 * pace_step() or pace_end() refused: max_duration if its deadline
 * passed, or min_rate.
 */
static void
body_pace_abort(struct body *b)
{
	int64_t end = pace_deadline(b->pace);

	b->abort_why = end > 0 && scoreboard_now_ms() >= end
	    ? STAT_ABT_MAX_DURATION
	    : STAT_ABT_MIN_RATE;
}

/* What the download waits on, for the slow log and the status page. */
static void
body_wait(const struct body *b, enum sb_wait w)
{
	if (b->pace != NULL && b->pace->slot != NULL)
		scoreboard_wait(b->pace->slot, w);
}

/*
 * Streams [off, off + len) of the file in steps: buflen bytes through
 * buf, or with sendfile whole records (fcgi_sendfile_step), each paced
 * before it goes out (pace_step: the wait, and a smaller piece while a
 * rate holds), so that nothing waits after the last one. A read error,
 * a file that ends early, a failed write or a limit returns -1 with a
 * reason.
 */
static int
body_copy(struct body *b, off_t off, off_t len)
{
	size_t step = b->zerocopy ? fcgi_sendfile_step(b->buflen) : b->buflen;
	char esc[512];
	size_t want;
	ssize_t n;

	while (len > 0) {
		want = (off_t)step < len ? step : (size_t)len;
		if (pace_step(b->pace, b->sent, &want, &b->why) == -1) {
			body_pace_abort(b);
			return -1;
		}
		/*
		 * Checked before each piece goes out, so a file rewritten
		 * under us never completes a body that looks whole (the
		 * first one: it was just opened and stat'ed, and the check
		 * after its bytes, below or in body_settle, covers it).
		 */
		if (b->sent > 0 && !body_unchanged(b->fd, b->st)) {
			errno = ESTALE;
			goto fail;
		}
		body_wait(b, SBW_FILE); /* room in the socket: SBW_SOCKET */
		if (b->zerocopy) {
			if (fcgi_sendfile(b->c, b->fd, off, want) == -1)
				goto fail;
			n = (ssize_t)want;
		} else {
			n = pread(b->fd, b->buf, want, off);
			if (n == -1) {
				if (errno == EINTR)
					continue;
				goto fail;
			}
			if (n == 0) {
				errno = ENODATA;
				goto fail;
			}
			body_wait(b, SBW_NONE);
			if (b->hold_last && n == len) {
				/*
				 * The response's last bytes, if the file is
				 * still the one opened: they leave with
				 * END_REQUEST (fcgi_hold); buf is not touched
				 * again before fcgi_end().
				 */
				if (!body_unchanged(b->fd, b->st)) {
					errno = ESTALE;
					goto fail;
				}
				if (fcgi_hold(b->c, b->buf, (size_t)n) == -1)
					goto fail;
			} else if (fcgi_write(b->c, b->buf, (size_t)n) == -1)
				goto fail;
		}
		off += n;
		len -= n;
		b->sent += n;
		body_count(b, n);
	}
	if (pace_end(b->pace, b->sent, &b->why) == -1) {
		body_pace_abort(b);
		return -1;
	}
	return 0;
fail:
	b->abort_why = (int)count_abort_errno(errno);
	b->why = count_abort_text(errno);
	if (b->abort_why == STAT_ABT_IO_ERROR)
		log_warn("sending %s at %jd",
		    accesslog_escape(b->path, esc, sizeof(esc)), (intmax_t)off);
	return -1;
}

/* Bytes of the file a 200 or 206 sends. */
static off_t
body_file_bytes(const struct decide_plan *pl)
{
	if (pl->status == 200)
		return pl->size;
	if (pl->status == 206)
		return range_total(pl->ranges, pl->nranges);
	return 0;
}

/*
 * Waits until the web server has read what sendfile(2) queued: those
 * bytes are page-cache pages still referenced from the socket's send
 * queue (on TCP until they are acknowledged), so a rewrite of the file
 * until then changes them; a check of the file after the wait covers
 * them. Bounded as a blocked write is (send_timeout without progress)
 * and by max_duration. Returns 0, or -1 with b->why set.
 */
static int
body_drain(struct body *b)
{
	body_wait(b, SBW_DRAIN);
	switch (outq_drain(
	    b->c->fd, b->c->send_timeout_ms, pace_deadline(b->pace))) {
	case OUTQ_EMPTY:
		return 0;
	case OUTQ_STALLED:
		b->why = "send_timeout expired";
		b->abort_why = STAT_ABT_SEND_TIMEOUT;
		return -1;
	case OUTQ_DEADLINE:
		b->why = "max_duration reached";
		b->abort_why = STAT_ABT_MAX_DURATION;
		return -1;
	case OUTQ_ERROR:
		log_warn("ioctl SIOCOUTQ");
		b->why = "read or write error";
		b->abort_why = STAT_ABT_IO_ERROR;
		return -1;
	}
	return -1;
}

/*
 * The one file piece of a 200 or 206: with sendfile all but its last
 * buffer, then, once the web server has read every page that sendfile
 * queued (body_drain: a rewrite before that changes bytes still to be
 * read, and the check before the last buffer sees it), the last buffer
 * copied, checked after its read and held, so that it leaves with
 * END_REQUEST in one write (fcgi_hold): the web server never has the
 * whole body without the end of the request.
 */
static int
body_one_piece(struct body *b, off_t off, off_t len)
{
	off_t tail = len < (off_t)b->buflen ? len : (off_t)b->buflen;

	if (!b->zerocopy)
		return body_copy(b, off, len);
	if (body_copy(b, off, len - tail) == -1 || body_drain(b) == -1)
		return -1;
	b->zerocopy = false;
	return body_copy(b, off + len - tail, tail);
}

int
body_send(struct body *b, const struct decide_plan *pl)
{
	struct decide_piece p;
	size_t i;
	int rc;

	/*
	 * With sendfile, only bodies larger than the buffer: a smaller one
	 * costs one copy, and then its end need not wait for the web
	 * server to have read it (body_settle).
	 */
	b->zerocopy = b->sendfile && body_file_bytes(pl) > (off_t)b->buflen;
	/* one file piece: its last bytes go out with the request's end */
	b->hold_last = !pl->multipart;
	/* Sequential read-ahead for what takes more than one read. */
	if (body_file_bytes(pl) > (off_t)b->buflen && !pl->head)
		(void)posix_fadvise(b->fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	for (i = 0; (rc = decide_piece(pl, i, b->buf, b->buflen, &p)) == 1;
	     i++) {
		if (p.lit == NULL) {
			if ((b->hold_last ? body_one_piece(b, p.off, p.len)
					  : body_copy(b, p.off, p.len)) == -1)
				return -1;
		} else if (fcgi_write(b->c, p.lit, (size_t)p.len) == -1) {
			b->why = "web server closed the connection";
			b->abort_why = (int)count_abort_errno(errno);
			return -1;
		} else
			body_count(b, p.len);
	}
	if (rc == -1) {
		b->why = "web server closed the connection";
		b->abort_why = STAT_ABT_IO_ERROR;
		return -1;
	}
	return 0;
}

/*
 * After the last byte of a body: the file must still be the one the
 * headers describe, or the response is aborted, so that bytes of two
 * versions never pass as one (with the old strong ETag). A body whose
 * last buffer was held was checked then (body_one_piece); a multipart
 * one sent by sendfile(2) first waits for its queued pages to be read
 * (body_drain). Bytes sent by pread(2) and write are copies, checked
 * once the last is read.
 */
int
body_settle(struct body *b)
{
	if (b->hold_last)
		return 0; /* checked before its last bytes were held */
	if (b->zerocopy && body_drain(b) == -1)
		return -1;
	body_wait(b, SBW_DRAIN);
	if (!body_unchanged(b->fd, b->st)) {
		b->why = "file changed during transfer";
		b->abort_why = STAT_ABT_FILE_CHANGED;
		return -1;
	}
	return 0;
}
