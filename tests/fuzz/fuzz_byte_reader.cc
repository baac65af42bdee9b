// Drives ByteReader with a program read from the input itself: the first byte of each step picks
// an operation, so every read path meets every length and offset, including overflowing ones.
#include <cstddef>
#include <cstdint>

#include "probe/core/bytes.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  probe::ByteReader ops(probe::ByteView(data, size));
  probe::ByteReader r(probe::ByteView(data, size));
  while (!ops.empty()) {
    auto op = ops.U8("op");
    if (!op) break;
    switch (*op % 9) {
      case 0:
        (void)r.U8("u8");
        break;
      case 1:
        (void)r.U16Be("u16be");
        break;
      case 2:
        (void)r.U24Be("u24be");
        break;
      case 3:
        (void)r.U32Le("u32le");
        break;
      case 4:
        (void)r.U64Le("u64le");
        break;
      case 5: {
        auto n = ops.U16Be("n");
        if (n) (void)r.Take(*n, "take");
        break;
      }
      case 6: {
        auto n = ops.U8("n");
        if (n) {
          auto sub = r.Sub(*n, "sub");
          if (sub) (void)sub->U32Be("inner");
        }
        break;
      }
      case 7: {
        auto off = ops.U32Le("offset");
        auto len = ops.U32Le("length");
        if (off && len) {
          auto v = r.At(*off, *len, "at");
          if (v && !v->empty()) (void)(*v)[v->size() - 1];
        }
        break;
      }
      default:
        (void)probe::FromHex(std::string_view(reinterpret_cast<const char*>(data), size));
    }
  }
  return 0;
}
