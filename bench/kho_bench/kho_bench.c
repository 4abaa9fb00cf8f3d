// SPDX-License-Identifier: GPL-2.0
/*
 * Workload for the KHO benchmarks. It uses only the exported KHO API, so
 * the same module runs on stock Linux 7.3 and on the series. Built out of
 * tree against each kernel's build directory, loaded by the guest's /init:
 * in the old kernel before the kexec (preserve), and in the next kernel
 * (restore and check).
 *
 * pages=N: N scattered order-0 pages, each the first page of an order-1
 * allocation whose second page is freed again, so no two preserved pages
 * are adjacent and the guest holds only what it preserves. Each page
 * holds the PFN of the next one and a stamp; the first PFN and the count
 * cross the kexec in a KHO subtree.
 * big2m=N, big1g=N: N order-9 folios (2 MiB blocks) and N aligned 1 GiB
 * ranges (one order-18 block each), listed in the subtree.
 * mixed=N: N folios of each order 0..MAX_PAGE_ORDER (not checked).
 * In the next kernel, the module restores every listed page and block,
 * checks the stamps, and prints what it restored.
 *
 * tput=N: the preserve side instead: N scattered order-0 folios
 * preserved with kho_preserve_folio(), then unpreserved, by 1, 2 and 4
 * threads in turn, and a CPU-bound control loop split the same way;
 * prints the time of each phase.
 *
 * overlap=N (interop): N order-9 folios, each page's first word set from
 * its PFN, each also with a page in its middle preserved on its own, and
 * every other one with an order-3 block at its head: the overlapping
 * blocks an old kernel may hand over (stock 7.3 accepts these
 * preserves). Their addresses cross the kexec in a KHO subtree; loaded in
 * the next kernel, the module restores every folio and checks every page.
 */
#include <linux/err.h>
#include <linux/gfp.h>
#include <linux/hash.h>
#include <linux/io.h>
#include <linux/kexec_handover.h>
#include <linux/mm.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/completion.h>
#include <linux/ktime.h>
#include <linux/vmalloc.h>

static unsigned long pages;
module_param(pages, ulong, 0444);
MODULE_PARM_DESC(pages, "scattered order-0 pages to preserve");

static unsigned int mixed;
module_param(mixed, uint, 0444);
MODULE_PARM_DESC(mixed, "folios to preserve of each order 0..MAX_PAGE_ORDER");

static unsigned int big2m;
module_param(big2m, uint, 0444);
MODULE_PARM_DESC(big2m, "order-9 folios (2 MiB blocks) to preserve");

static unsigned int big1g;
module_param(big1g, uint, 0444);
MODULE_PARM_DESC(big1g, "1 GiB ranges to preserve with kho_preserve_pages()");

static unsigned long tput;
module_param(tput, ulong, 0444);
MODULE_PARM_DESC(tput, "scattered folios for the preserve-side throughput test");

static unsigned int overlap;
module_param(overlap, uint, 0444);
MODULE_PARM_DESC(overlap, "order-9 folios preserved with blocks inside them");

#define OVL_NAME	"kho-bench-overlap"
#define OVL_ORDER	9
#define OVL_MAX		(PAGE_SIZE / sizeof(u64) - 1)

static u64 ovl_word(unsigned long pfn)
{
	return hash_64(pfn, 64) | 1;
}

/* Old kernel: preserve the folios, the blocks inside them, their list. */
static int __init ovl_save(void)
{
	u64 *list = kho_alloc_preserve(PAGE_SIZE);
	unsigned long pfn, i;
	struct folio *folio;
	unsigned int n;
	int err;

	if (IS_ERR(list))
		return PTR_ERR(list);
	for (n = 0; n < overlap && n < OVL_MAX; n++) {
		folio = folio_alloc(GFP_KERNEL | __GFP_NOWARN, OVL_ORDER);
		if (!folio)
			return -ENOMEM;
		pfn = folio_pfn(folio);
		for (i = 0; i < (1UL << OVL_ORDER); i++)
			*(u64 *)phys_to_virt(PFN_PHYS(pfn + i)) = ovl_word(pfn + i);
		err = kho_preserve_folio(folio);
		if (!err)
			err = kho_preserve_pages(pfn_to_page(pfn + 256), 1);
		if (!err && n % 2)
			err = kho_preserve_pages(pfn_to_page(pfn), 8);
		if (err)
			return err;
		list[++list[0]] = PFN_PHYS(pfn);
	}
	pr_info("kho_bench: preserved %llu order-%u folios with %llu blocks inside them\n",
		list[0], OVL_ORDER, list[0] + list[0] / 2);
	return kho_add_subtree(OVL_NAME, list, PAGE_SIZE);
}

/* Next kernel: restore every folio, check every page. */
static int __init ovl_load(void)
{
	unsigned long pfn, i, restored = 0, bad = 0;
	phys_addr_t phys;
	struct folio *folio;
	u64 *list, n;
	int err;

	err = kho_retrieve_subtree(OVL_NAME, &phys, NULL);
	if (err)
		return err;
	list = phys_to_virt(phys);
	for (n = 1; n <= list[0] && n <= OVL_MAX; n++) {
		folio = kho_restore_folio(list[n]);
		if (!folio || folio_order(folio) != OVL_ORDER)
			continue;
		restored++;
		pfn = folio_pfn(folio);
		for (i = 0; i < (1UL << OVL_ORDER); i++)
			bad += *(u64 *)phys_to_virt(PFN_PHYS(pfn + i)) !=
			       ovl_word(pfn + i);
	}
	pr_info("kho_bench: restored %lu of %llu order-%u folios with blocks inside them, %lu pages without their pattern\n",
		restored, list[0], OVL_ORDER, bad);
	return restored == list[0] && !bad ? 0 : -EIO;
}

/* ---- boot cost: scattered pages and big blocks, checked after kexec ---- */

#define SET_NAME	"kho-bench-set"
#define SET_SIZE	(4 * PAGE_SIZE)
#define SET_MAX		(SET_SIZE / sizeof(u64) - 4)

/* The subtree: the scattered pages' list head, then big blocks. */
struct set_head {
	u64 first_pfn;
	u64 pages;
	u64 nr_blocks;
	u64 reserved;
	u64 block[SET_MAX];	/* phys | order */
};

/*
 * One scattered order-0 page: the first page of an order-1 allocation
 * whose second page goes back to the allocator, so no two are adjacent.
 */
static struct page *alloc_scattered_page(void)
{
	struct page *page = alloc_pages(GFP_KERNEL | __GFP_NOWARN, 1);

	if (page) {
		split_page(page, 1);
		__free_page(page + 1);
	}
	return page;
}

static u64 stamp(unsigned long pfn)
{
	return hash_64(pfn ^ 0x6b686f62656e6368ULL, 64);
}

static void set_page_words(unsigned long pfn, u64 next)
{
	u64 *w = phys_to_virt(PFN_PHYS(pfn));

	w[0] = next;
	w[1] = stamp(pfn);
}

static int __init set_add_block(struct set_head *h, unsigned long pfn,
				unsigned int order)
{
	unsigned long i;

	if (h->nr_blocks >= SET_MAX)
		return -ENOSPC;
	for (i = 0; i < (1UL << order); i += 512)
		set_page_words(pfn + i, 0);
	h->block[h->nr_blocks++] = PFN_PHYS(pfn) | order;
	return 0;
}

/*
 * 1 GiB, aligned, without CONFIG_CONTIG_ALLOC (not in the bench config):
 * take MAX_PAGE_ORDER blocks until one 1 GiB window is all ours, up to
 * 8 GiB of them, and give back the rest.
 */
static struct page *__init alloc_1g(void)
{
	const unsigned long span = SZ_1G >> PAGE_SHIFT;
	const unsigned int per = span >> MAX_PAGE_ORDER, max = 8 * per;
	struct page **blk = vmalloc_array(max, sizeof(*blk));
	struct page *found = NULL;
	unsigned long base;
	unsigned int n, i, c;

	if (!blk)
		return NULL;
	for (n = 0; n < max && !found; n++) {
		blk[n] = alloc_pages(GFP_KERNEL | __GFP_NOWARN, MAX_PAGE_ORDER);
		if (!blk[n])
			break;
		base = ALIGN_DOWN(page_to_pfn(blk[n]), span);
		for (c = 0, i = 0; i <= n; i++)
			c += ALIGN_DOWN(page_to_pfn(blk[i]), span) == base;
		if (c == per)
			found = pfn_to_page(base);
	}
	for (i = 0; i < n && blk[i]; i++)
		if (!found ||
		    ALIGN_DOWN(page_to_pfn(blk[i]), span) != page_to_pfn(found))
			__free_pages(blk[i], MAX_PAGE_ORDER);
	vfree(blk);
	return found;
}

static int __init set_save(void)
{
	struct set_head *h = kho_alloc_preserve(SET_SIZE);
	unsigned long done = 0, prev = 0, nr;
	struct page *page;
	unsigned int n;
	int err = 0;

	if (IS_ERR(h))
		return PTR_ERR(h);
	while (done < pages) {
		page = alloc_scattered_page();
		if (!page)
			break;
		err = kho_preserve_pages(page, 1);
		if (err)
			break;
		/* Each page links to the one preserved before it. */
		set_page_words(page_to_pfn(page), prev);
		prev = page_to_pfn(page);
		done++;
	}
	h->first_pfn = prev;
	h->pages = done;
	for (n = 0; !err && n < big2m; n++) {
		struct folio *folio = folio_alloc(GFP_KERNEL | __GFP_NOWARN, 9);

		err = folio ? kho_preserve_folio(folio) : -ENOMEM;
		if (!err)
			err = set_add_block(h, folio_pfn(folio), 9);
	}
	nr = SZ_1G >> PAGE_SHIFT;
	for (n = 0; !err && n < big1g; n++) {
		page = alloc_1g();
		err = page ? kho_preserve_pages(page, nr) : -ENOMEM;
		if (!err)
			err = set_add_block(h, page_to_pfn(page),
					    ilog2(nr));
	}
	pr_info("kho_bench: preserved %lu scattered pages, %u 2 MiB blocks, %u 1 GiB blocks: %d\n",
		done, big2m, big1g, err);
	if (!err && done != pages)
		err = -ENOMEM;
	return err ? err : kho_add_subtree(SET_NAME, h, SET_SIZE);
}

static int __init set_load(void)
{
	unsigned long pfn, restored = 0, blocks = 0, bad = 0, i;
	struct set_head *h;
	struct page *page;
	phys_addr_t phys;
	unsigned int order;
	u64 *w;
	int err;

	err = kho_retrieve_subtree(SET_NAME, &phys, NULL);
	if (err)
		return err;
	h = phys_to_virt(phys);
	for (pfn = h->first_pfn; pfn && restored < h->pages; pfn = w[0]) {
		page = kho_restore_pages(PFN_PHYS(pfn), 1);
		w = phys_to_virt(PFN_PHYS(pfn));
		if (!page)
			break;
		restored++;
		bad += w[1] != stamp(pfn);
	}
	for (i = 0; i < h->nr_blocks && i < SET_MAX; i++) {
		phys = h->block[i] & PAGE_MASK;
		order = h->block[i] & ~PAGE_MASK;
		if (order > MAX_PAGE_ORDER) {
			page = kho_restore_pages(phys, 1UL << order);
		} else {
			struct folio *folio = kho_restore_folio(phys);

			page = folio ? &folio->page : NULL;
		}
		if (!page)
			continue;
		blocks++;
		for (pfn = PHYS_PFN(phys); pfn < PHYS_PFN(phys) + (1UL << order);
		     pfn += 512)
			bad += ((u64 *)phys_to_virt(PFN_PHYS(pfn)))[1] != stamp(pfn);
	}
	pr_info("kho_bench: restored %lu of %llu scattered pages and %lu of %llu blocks, %lu without their stamp\n",
		restored, h->pages, blocks, h->nr_blocks, bad);
	return restored == h->pages && blocks == h->nr_blocks && !bad ?
	       0 : -EIO;
}

/* ---- preserve side: throughput with 1, 2 and 4 threads ------------------ */

enum tput_work { TPUT_PRESERVE, TPUT_UNPRESERVE, TPUT_CONTROL };

struct tput_job {
	struct folio **folios;
	unsigned long from, to;
	enum tput_work work;
	u64 sink;
	int err;
	struct completion done;
};

/*
 * The control: the same split of the same indices, each turned into
 * CONTROL_ROUNDS multiply-adds in registers. It touches no shared memory,
 * so its speed-up with threads is what this guest on this host can give
 * any CPU-bound loop: the ceiling for the preserve side's.
 */
#define CONTROL_ROUNDS	64

static u64 control_work(unsigned long i)
{
	u64 x = i;
	unsigned int r;

	for (r = 0; r < CONTROL_ROUNDS; r++)
		x = x * 0x9e3779b97f4a7c15ULL + i;
	return x;
}

/*
 * The loop keeps everything in locals and writes the job once at the end:
 * the jobs sit next to each other, and a store to one job per iteration
 * would share cache lines with the fields the next thread reads.
 */
static int tput_thread(void *data)
{
	struct tput_job *job = data;
	struct folio **folios = job->folios;
	const enum tput_work work = job->work;
	unsigned long i, to = job->to;
	u64 sink = 0;
	int err = 0;

	for (i = job->from; i < to && !err; i++) {
		switch (work) {
		case TPUT_PRESERVE:
			err = kho_preserve_folio(folios[i]);
			break;
		case TPUT_UNPRESERVE:
			kho_unpreserve_folio(folios[i]);
			break;
		case TPUT_CONTROL:
			sink += control_work(i);
			break;
		}
	}
	job->sink = sink;
	job->err = err;
	complete(&job->done);
	return 0;
}

static u64 tput_sink;

/* Run one phase with @threads threads; return its time in us, or < 0. */
static s64 __init tput_phase(struct folio **folios, unsigned long n,
			     unsigned int threads, enum tput_work work)
{
	struct tput_job job[4];
	ktime_t start = ktime_get();
	unsigned int t;
	int err = 0;

	for (t = 0; t < threads; t++) {
		job[t] = (struct tput_job){
			.folios = folios, .work = work,
			.from = n * t / threads, .to = n * (t + 1) / threads,
		};
		init_completion(&job[t].done);
		if (IS_ERR(kthread_run(tput_thread, &job[t], "kho_bench/%u", t))) {
			job[t].err = -ENOMEM;
			complete(&job[t].done);
		}
	}
	for (t = 0; t < threads; t++) {
		wait_for_completion(&job[t].done);
		err = err ?: job[t].err;
		/* Keep the control's result alive. */
		WRITE_ONCE(tput_sink, tput_sink + job[t].sink);
	}
	return err ? err : ktime_us_delta(ktime_get(), start);
}

static int __init tput_run(void)
{
	static const unsigned int threads[] = { 1, 2, 4 };
	struct folio **folios = vmalloc_array(tput, sizeof(*folios));
	unsigned long i, n = 0;
	s64 pres, unpres, ctl;
	unsigned int t;

	if (!folios)
		return -ENOMEM;
	for (i = 0; i < tput; i++) {
		struct page *page = alloc_scattered_page();

		if (!page)
			break;
		folios[n++] = page_folio(page);
	}
	for (t = 0; t < ARRAY_SIZE(threads) && n == tput; t++) {
		pres = tput_phase(folios, n, threads[t], TPUT_PRESERVE);
		unpres = pres < 0 ? pres :
			 tput_phase(folios, n, threads[t], TPUT_UNPRESERVE);
		ctl = tput_phase(folios, n, threads[t], TPUT_CONTROL);
		pr_info("kho_bench: tput %u threads: %lu folios preserved in %lld us, unpreserved in %lld us, control loop in %lld us\n",
			threads[t], n, pres, unpres, ctl);
	}
	for (i = 0; i < n; i++)
		folio_put(folios[i]);
	vfree(folios);
	return n == tput ? 0 : -ENOMEM;
}

static int __init kho_bench_init(void)
{
	unsigned long folios = 0;
	unsigned int order, n;
	int err;

	if (is_kho_boot() && overlap)
		return ovl_load();
	if (is_kho_boot())
		return set_load();
	if (!kho_is_enabled())
		return -ENODEV;
	if (overlap)
		return ovl_save();
	if (tput)
		return tput_run();

	err = set_save();
	if (err)
		return err;
	for (order = 0; order <= MAX_PAGE_ORDER; order++) {
		for (n = 0; n < mixed; n++) {
			struct folio *folio = folio_alloc(GFP_KERNEL | __GFP_NOWARN,
							  order);

			if (!folio || kho_preserve_folio(folio))
				break;
			folios++;
		}
	}
	pr_info("kho_bench: preserved %lu folios of orders 0-%u\n", folios,
		MAX_PAGE_ORDER);
	return folios == (MAX_PAGE_ORDER + 1UL) * mixed ? 0 : -ENOMEM;
}
module_init(kho_bench_init);

MODULE_DESCRIPTION("KHO boot-time benchmark workload");
MODULE_LICENSE("GPL");
