package com.acme.shop.inventory.domain.repository;

import com.acme.shop.inventory.domain.model.InventoryItem;
//@@since lock-per-line
import jakarta.persistence.LockModeType;
//@@end
//@@since lock-timeout-hint
import jakarta.persistence.QueryHint;
//@@end
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;
//@@since lock-per-line
import org.springframework.data.jpa.repository.Lock;
import org.springframework.data.jpa.repository.Query;
//@@end
//@@since lock-timeout-hint
import org.springframework.data.jpa.repository.QueryHints;
//@@end
//@@since lock-per-line
import org.springframework.data.repository.query.Param;
//@@end

public interface InventoryItemRepository extends JpaRepository<InventoryItem, Long> {

    Optional<InventoryItem> findBySku(String sku);

    List<InventoryItem> findAllBySkuIn(Collection<String> skus);
//@@since lock-per-line

    /** SELECT ... FOR UPDATE: the row stays locked until the surrounding transaction ends. */
    @Lock(LockModeType.PESSIMISTIC_WRITE)
//@@since lock-timeout-hint
    @QueryHints(@QueryHint(name = "jakarta.persistence.lock.timeout", value = "3000"))
//@@end
    @Query("select i from InventoryItem i where i.sku = :sku")
    Optional<InventoryItem> findBySkuForUpdate(@Param("sku") String sku);
//@@end
}
