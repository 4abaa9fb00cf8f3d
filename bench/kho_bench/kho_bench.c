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
 */
#include <linux/gfp.h>
#include <linux/kexec_handover.h>
#include <linux/mm.h>
#include <linux/module.h>

static unsigned long pages;
module_param(pages, ulong, 0444);
MODULE_PARM_DESC(pages, "scattered order-0 pages to preserve");

static unsigned int mixed;
module_param(mixed, uint, 0444);
MODULE_PARM_DESC(mixed, "folios to preserve of each order 0..MAX_PAGE_ORDER");

static int __init kho_bench_init(void)
{
	unsigned long done = 0, folios = 0;
	unsigned int order, n;

	if (!kho_is_enabled())
		return -ENODEV;

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
