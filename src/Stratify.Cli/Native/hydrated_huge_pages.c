/* Runs before the .NET runtime starts (an ELF constructor): asks Linux to back the program's .hydrated section with
 * transparent huge pages (2 MiB). The Native AOT runtime's first act is to expand ("rehydrate") about 5 MB of
 * compressed type data into that section, which the loader maps as fresh zero pages after .bss; on a virtual machine
 * touching them 4 KiB at a time was a third of the program's start-up (tests/benchmarks/README.md). The section's
 * contents, and so every result, are the same either way. Nothing is done where STRATIFY_HUGE_PAGES=0, and a refusal
 * (no THP, an old kernel) is ignored: the pages are then faulted in 4 KiB at a time as before. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* Set by the linker: the start of .bss and the end of the last zero-initialised section (.hydrated follows .bss). */
extern char __bss_start[];
extern char _end[];

static int advice;          /* 1 advised, 0 not (refused, or nothing to advise), -1 turned off */
static uintptr_t advised;   /* the first byte of the advised range */

__attribute__((constructor)) static void stratify_advise_start_up_data(void)
{
    const char *off = getenv("STRATIFY_HUGE_PAGES");
    if (off != NULL && strcmp(off, "0") == 0) { advice = -1; return; }
    long page = sysconf(_SC_PAGESIZE);
    if (page <= 0) return;
    /* Whole pages only: the page holding the end of .data stays as it is. */
    uintptr_t start = ((uintptr_t)__bss_start + (uintptr_t)page - 1) & ~((uintptr_t)page - 1);
    uintptr_t end = (uintptr_t)_end & ~((uintptr_t)page - 1);
    if (end > start && madvise((void *)start, end - start, MADV_HUGEPAGE) == 0) { advice = 1; advised = start; }
}

/* For the program's own report (HugePages.StartUpDataAdvised): what the constructor did, and where. */
int stratify_start_up_data_advice(uintptr_t *start)
{
    *start = advised;
    return advice;
}
