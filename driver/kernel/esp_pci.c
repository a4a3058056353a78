// SPDX-License-Identifier: GPL-2.0
/*
 * PCI driver of the ESP offload card: BAR0 is the contract's register map,
 * /dev/espN carries the ioctl ABI (include/uapi/esp_ioctl.h) into the shared
 * driver core, and events arrive by MSI-X (or MSI/legacy) and are read with
 * read()/poll().
 */
#include <linux/cdev.h>
#include <linux/device.h>
#include <linux/fs.h>
#include <linux/idr.h>
#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/version.h>
#include <linux/wait.h>

#include "esp_core.h"

#define ESP_DRV_NAME "esp_offload"
#define ESP_MAX_DEVICES 16

/* Placeholder IDs: Xilinx's vendor ID with the device ID the card's shell exposes. */
#define ESP_PCI_VENDOR 0x10ee
#define ESP_PCI_DEVICE 0x903f

struct esp_dev {
	struct pci_dev *pdev;
	void __iomem *regs;
	struct esp_core core;
	struct cdev cdev;
	struct device *dev;
	int minor;
	int irq;
	wait_queue_head_t evq;
};

struct esp_file {
	struct esp_dev *ed;
	u64 cursor; /* next event seqno this reader wants */
};

static struct class *esp_class;
static dev_t esp_devt;
static DEFINE_IDA(esp_ida);

static u32 esp_mmio_read(void *ctx, u32 off)
{
	return readl((void __iomem *)ctx + off);
}

static void esp_mmio_write(void *ctx, u32 off, u32 val)
{
	writel(val, (void __iomem *)ctx + off);
}

static const struct esp_hw_ops esp_mmio_ops = {
	.read = esp_mmio_read,
	.write = esp_mmio_write,
};

/* Threaded handler: the core takes a mutex, so events are drained out of hard-irq context. */
static irqreturn_t esp_irq_thread(int irq, void *data)
{
	struct esp_dev *ed = data;

	if (esp_core_poll_events(&ed->core) > 0)
		wake_up_interruptible(&ed->evq);
	return IRQ_HANDLED;
}

static int esp_open(struct inode *inode, struct file *filp)
{
	struct esp_dev *ed = container_of(inode->i_cdev, struct esp_dev, cdev);
	struct esp_file *ef = kzalloc(sizeof(*ef), GFP_KERNEL);

	if (!ef)
		return -ENOMEM;
	ef->ed = ed;
	ef->cursor = 0; /* a new reader starts at the oldest event the core still holds */
	filp->private_data = ef;
	return nonseekable_open(inode, filp);
}

static int esp_release(struct inode *inode, struct file *filp)
{
	kfree(filp->private_data);
	return 0;
}

static long esp_ioctl(struct file *filp, unsigned int cmd, unsigned long arg)
{
	struct esp_file *ef = filp->private_data;
	union {
		struct esp_dev_info info;
		struct esp_sa_params sa;
		struct esp_sa_state st;
		struct esp_stats stats;
		u32 handle;
	} buf;
	size_t size = _IOC_SIZE(cmd);
	long ret;

	if (_IOC_TYPE(cmd) != ESP_IOCTL_MAGIC || size > sizeof(buf))
		return -ENOTTY;
	memset(&buf, 0, sizeof(buf));
	if ((_IOC_DIR(cmd) & _IOC_WRITE) && copy_from_user(&buf, (void __user *)arg, size))
		return -EFAULT;
	ret = esp_core_ioctl(&ef->ed->core, cmd, &buf);
	if (!ret && (_IOC_DIR(cmd) & _IOC_READ) && copy_to_user((void __user *)arg, &buf, size))
		ret = -EFAULT;
	memzero_explicit(&buf, sizeof(buf)); /* SA keys passed through here */
	return ret;
}

static ssize_t esp_read(struct file *filp, char __user *ubuf, size_t len, loff_t *ppos)
{
	struct esp_file *ef = filp->private_data;
	struct esp_dev *ed = ef->ed;
	struct esp_event ev[16];
	unsigned int max = min_t(size_t, len / sizeof(ev[0]), ARRAY_SIZE(ev));
	int n;

	if (max == 0)
		return -EINVAL;
	for (;;) {
		esp_core_poll_events(&ed->core);
		n = esp_core_read_events(&ed->core, &ef->cursor, ev, max);
		if (n > 0)
			break;
		if (filp->f_flags & O_NONBLOCK)
			return -EAGAIN;
		if (wait_event_interruptible(ed->evq, ef->cursor < READ_ONCE(ed->core.events_next)))
			return -ERESTARTSYS;
	}
	if (copy_to_user(ubuf, ev, n * sizeof(ev[0])))
		return -EFAULT;
	return n * sizeof(ev[0]);
}

static __poll_t esp_poll(struct file *filp, poll_table *wait)
{
	struct esp_file *ef = filp->private_data;
	struct esp_dev *ed = ef->ed;

	poll_wait(filp, &ed->evq, wait);
	return ef->cursor < READ_ONCE(ed->core.events_next) ? EPOLLIN | EPOLLRDNORM : 0;
}

static const struct file_operations esp_fops = {
	.owner = THIS_MODULE,
	.open = esp_open,
	.release = esp_release,
	.unlocked_ioctl = esp_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.read = esp_read,
	.poll = esp_poll,
	.llseek = no_llseek,
};

static int esp_setup_irq(struct esp_dev *ed)
{
	int nvec =
		pci_alloc_irq_vectors(ed->pdev, 1, 1, PCI_IRQ_MSIX | PCI_IRQ_MSI | PCI_IRQ_LEGACY);

	if (nvec < 0)
		return nvec;
	ed->irq = pci_irq_vector(ed->pdev, 0);
	return request_threaded_irq(ed->irq, NULL, esp_irq_thread, IRQF_ONESHOT | IRQF_SHARED,
				    ESP_DRV_NAME, ed);
}

static int esp_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct esp_dev *ed;
	int ret;

	ed = devm_kzalloc(&pdev->dev, sizeof(*ed), GFP_KERNEL);
	if (!ed)
		return -ENOMEM;
	ed->pdev = pdev;
	init_waitqueue_head(&ed->evq);
	ret = pcim_enable_device(pdev);
	if (ret)
		return ret;
	ret = pcim_iomap_regions(pdev, BIT(0), ESP_DRV_NAME);
	if (ret)
		return ret;
	ed->regs = pcim_iomap_table(pdev)[0];
	pci_set_master(pdev);
	ret = esp_core_init(&ed->core, &esp_mmio_ops, (void __force *)ed->regs);
	if (ret) {
		dev_err(&pdev->dev, "not an ESP offload card of contract version %u (%d)\n",
			ESP_CONTRACT_VERSION, ret);
		return ret;
	}
	ret = esp_setup_irq(ed);
	if (ret)
		goto err_core;
	esp_mmio_write((void __force *)ed->regs, ESP_REG_IRQ_ENABLE, 1);

	ed->minor = ida_alloc_max(&esp_ida, ESP_MAX_DEVICES - 1, GFP_KERNEL);
	if (ed->minor < 0) {
		ret = ed->minor;
		goto err_irq;
	}
	cdev_init(&ed->cdev, &esp_fops);
	ed->cdev.owner = THIS_MODULE;
	ret = cdev_add(&ed->cdev, MKDEV(MAJOR(esp_devt), ed->minor), 1);
	if (ret)
		goto err_ida;
	ed->dev = device_create(esp_class, &pdev->dev, MKDEV(MAJOR(esp_devt), ed->minor), ed,
				"esp%d", ed->minor);
	if (IS_ERR(ed->dev)) {
		ret = PTR_ERR(ed->dev);
		goto err_cdev;
	}
	pci_set_drvdata(pdev, ed);
	dev_info(&pdev->dev, "esp%d: %u SA slots, replay window up to %u\n", ed->minor,
		 ed->core.info.sa_slots, ed->core.info.max_window);
	return 0;

err_cdev:
	cdev_del(&ed->cdev);
err_ida:
	ida_free(&esp_ida, ed->minor);
err_irq:
	esp_mmio_write((void __force *)ed->regs, ESP_REG_IRQ_ENABLE, 0);
	free_irq(ed->irq, ed);
	pci_free_irq_vectors(pdev);
err_core:
	esp_core_destroy(&ed->core);
	return ret;
}

static void esp_remove(struct pci_dev *pdev)
{
	struct esp_dev *ed = pci_get_drvdata(pdev);

	device_destroy(esp_class, MKDEV(MAJOR(esp_devt), ed->minor));
	cdev_del(&ed->cdev);
	ida_free(&esp_ida, ed->minor);
	esp_mmio_write((void __force *)ed->regs, ESP_REG_IRQ_ENABLE, 0);
	free_irq(ed->irq, ed);
	pci_free_irq_vectors(pdev);
	esp_core_sa_flush(&ed->core); /* wipes every key on the card */
	esp_core_destroy(&ed->core);
}

static const struct pci_device_id esp_pci_ids[] = {{PCI_DEVICE(ESP_PCI_VENDOR, ESP_PCI_DEVICE)},
						   {0}};
MODULE_DEVICE_TABLE(pci, esp_pci_ids);

static struct pci_driver esp_pci_driver = {
	.name = ESP_DRV_NAME,
	.id_table = esp_pci_ids,
	.probe = esp_probe,
	.remove = esp_remove,
};

static int __init esp_init(void)
{
	int ret = alloc_chrdev_region(&esp_devt, 0, ESP_MAX_DEVICES, ESP_DRV_NAME);

	if (ret)
		return ret;
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
	esp_class = class_create(ESP_DRV_NAME);
#else
	esp_class = class_create(THIS_MODULE, ESP_DRV_NAME);
#endif
	if (IS_ERR(esp_class)) {
		ret = PTR_ERR(esp_class);
		goto err_region;
	}
	ret = pci_register_driver(&esp_pci_driver);
	if (ret)
		goto err_class;
	return 0;

err_class:
	class_destroy(esp_class);
err_region:
	unregister_chrdev_region(esp_devt, ESP_MAX_DEVICES);
	return ret;
}

static void __exit esp_exit(void)
{
	pci_unregister_driver(&esp_pci_driver);
	class_destroy(esp_class);
	unregister_chrdev_region(esp_devt, ESP_MAX_DEVICES);
	ida_destroy(&esp_ida);
}

module_init(esp_init);
module_exit(esp_exit);
MODULE_DESCRIPTION("ESP offload card: SA tables, counters and events");
MODULE_LICENSE("GPL");
