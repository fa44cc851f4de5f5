// fjord-streams: the typed key-value store handle.
//
// kv_store<K, V, KS, VS> is a cheap, copyable view over one bytes_store (the store's main
// keyspace): keys and values go in as KS/VS-encoded bytes. The store key is exactly the
// serde bytes of the key (no prefix), which is also the changelog record key, so a
// changelog topic is an ordinary Kafka topic of <K, V>. When a changelog_writer is set,
// every put logs (key, value) and every remove logs (key, tombstone) after the local
// write. Handles obtained from state_manager are valid until state_manager::close().
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "fjord/streams/serde/serde.hpp"
#include "fjord/streams/state/bytes_store.hpp"
#include "fjord/streams/state/store_codec.hpp"

namespace fjord::streams {

template <class K, class V, class KS, class VS>
  requires serde_for<KS, K> && serde_for<VS, V>
class kv_store {
 public:
  using key_type = K;
  using value_type = V;

  // `writer` may be null (unlogged store, or restoring).
  kv_store(bytes_store& store, std::string name, changelog_writer* writer = nullptr)
      : store_(&store), name_(std::move(name)), writer_(writer) {}

  const std::string& name() const noexcept { return name_; }

  std::optional<V> get(const K& key) {
    auto bytes = store_->get(encode_to_string<KS>(key));
    if (!bytes) return std::nullopt;
    return detail::decode_stored<VS, V>(*bytes, name_, "value");
  }

  void put(const K& key, const V& value) {
    const std::string k = encode_to_string<KS>(key);
    const std::string v = encode_to_string<VS>(value);
    store_->put(k, v);
    if (writer_) writer_->log(name_, k, std::string_view(v));
  }

  void remove(const K& key) {
    const std::string k = encode_to_string<KS>(key);
    store_->remove(k);
    if (writer_) writer_->log(name_, k, std::nullopt);
  }

  // f(const K&, V&&) -> bool (false stops) or void. Ascending order of the key bytes
  // (the serde's byte order, which is numeric order only for big-endian serdes).
  template <class F>
  void for_each(F&& f) {
    store_->range({}, {}, [&](std::string_view kb, std::string_view vb) {
      const K key = detail::decode_stored<KS, K>(kb, name_, "key");
      return detail::visit_result(f, key, detail::decode_stored<VS, V>(vb, name_, "value"));
    });
  }

  std::uint64_t approximate_entries() { return store_->approximate_entries(); }

 private:
  bytes_store* store_;
  std::string name_;
  changelog_writer* writer_;
};

}  // namespace fjord::streams
