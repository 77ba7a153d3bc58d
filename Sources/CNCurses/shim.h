// Wide-character ncurses for Swift: the macros Swift cannot import become inline functions.
#ifndef MEMTOP_CNCURSES_SHIM_H
#define MEMTOP_CNCURSES_SHIM_H
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#define NCURSES_WIDECHAR 1
#include <locale.h>
#include <wchar.h>
#include <ncursesw/curses.h>

static inline WINDOW *memtop_stdscr(void) { return stdscr; }
static inline int memtop_colors(void) { return COLORS; }
static inline int memtop_color_pairs(void) { return COLOR_PAIRS; }
static inline attr_t memtop_attr_bold(void) { return A_BOLD; }
static inline attr_t memtop_attr_reverse(void) { return A_REVERSE; }
static inline attr_t memtop_attr_dim(void) { return A_DIM; }
static inline attr_t memtop_attr_underline(void) { return A_UNDERLINE; }
static inline attr_t memtop_color_pair(int pair) { return COLOR_PAIR(pair); }
static inline int memtop_key_resize(void) { return KEY_RESIZE; }
static inline int memtop_key_mouse(void) { return KEY_MOUSE; }
static inline int memtop_key_f(int n) { return KEY_F(n); }
static inline mmask_t memtop_mouse_mask(void) {
    return BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON4_PRESSED | BUTTON5_PRESSED;
}
static inline int memtop_button1(mmask_t state) { return (state & (BUTTON1_CLICKED | BUTTON1_PRESSED)) != 0; }
static inline int memtop_wheel_up(mmask_t state) { return (state & BUTTON4_PRESSED) != 0; }
static inline int memtop_wheel_down(mmask_t state) { return (state & BUTTON5_PRESSED) != 0; }
#endif
