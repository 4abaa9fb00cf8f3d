// SPDX-License-Identifier: GPL-2.0
/*
 * Workload for the KHO boot-time benchmark: preserve N scattered order-0
 * pages and, optionally, a set of folios of every order. It uses only the
 * exported KHO API, so the same module runs on stock Linux 7.3 and on the
 * series. Built out of tree against each kernel's build directory, loaded
 * by the guest's /init before the kexec.
 *
 * Scattered: each preserved page is the first of an order-1 allocation,
 * so no two preserved pages are adjacent and none can share a range.
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
#include <linux/module.h>

static unsigned long pages;
module_param(pages, ulong, 0444);
MODULE_PARM_DESC(pages, "scattered order-0 pages to preserve");

static unsigned int mixed;
module_param(mixed, uint, 0444);
MODULE_PARM_DESC(mixed, "folios to preserve of each order 0..MAX_PAGE_ORDER");

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

static int __init kho_bench_init(void)
{
	unsigned long done = 0, folios = 0;
	unsigned int order, n;

	if (is_kho_boot() && overlap)
		return ovl_load();
	if (!kho_is_enabled())
		return -ENODEV;
	if (overlap)
		return ovl_save();

	while (done < pages) {
		struct page *page = alloc_pages(GFP_KERNEL | __GFP_NOWARN, 1);

		if (!page || kho_preserve_pages(page, 1))
			break;
		done++;
	}
	for (order = 0; order <= MAX_PAGE_ORDER; order++) {
		for (n = 0; n < mixed; n++) {
			struct folio *folio = folio_alloc(GFP_KERNEL | __GFP_NOWARN,
							  order);

			if (!folio || kho_preserve_folio(folio))
				break;
			folios++;
		}
	}
	pr_info("kho_bench: preserved %lu scattered pages and %lu folios of orders 0-%u\n",
		done, folios, MAX_PAGE_ORDER);
	return done == pages && folios == (MAX_PAGE_ORDER + 1UL) * mixed ?
	       0 : -ENOMEM;
}
module_init(kho_bench_init);

MODULE_DESCRIPTION("KHO boot-time benchmark workload");
MODULE_LICENSE("GPL");
