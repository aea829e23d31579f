#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace crmsync {

// The 64-bit hashes of the ids one read returned, to find an id that comes
// twice. Open addressing in one flat array, at most half full: 16 bytes per
// id (a node-based std::unordered_set takes about 40), so a ten-million-row
// read costs 160 MB at worst and a typical one a few MB. Two different ids
// with the same hash (about 1 in 10^7 for ten million ids) make one record
// look duplicated: it is rejected, never deleted.
class IdHashSet {
 public:
  // Adds `hash`; false when it was there already.
  bool insert(uint64_t hash) {
    if (hash == 0) hash = 1;  // 0 marks an empty slot
    if ((size_ + 1) * 2 > slots_.size()) grow();
    size_t mask = slots_.size() - 1;
    for (size_t i = hash & mask;; i = (i + 1) & mask) {
      if (slots_[i] == hash) return false;
      if (slots_[i] == 0) {
        slots_[i] = hash;
        ++size_;
        return true;
      }
    }
  }
  bool contains(uint64_t hash) const {
    if (hash == 0) hash = 1;
    if (slots_.empty()) return false;
    size_t mask = slots_.size() - 1;
    for (size_t i = hash & mask;; i = (i + 1) & mask) {
      if (slots_[i] == hash) return true;
      if (slots_[i] == 0) return false;
    }
  }

 private:
  void grow() {
    std::vector<uint64_t> old;
    old.swap(slots_);
    slots_.assign(old.empty() ? 1024 : old.size() * 2, 0);
    size_ = 0;
    for (uint64_t h : old) {
      if (h != 0) insert(h);
    }
  }

  std::vector<uint64_t> slots_;
  size_t size_ = 0;
};

}  // namespace crmsync
